-- Description: A shared-feed entry for a user who saw a row before and after an update names that update's change
-- UP

-- Such a user's devices hold the row already: they get the change's columns with its times, as the owner's devices
-- do, instead of the whole row (a pull of shared changes would otherwise carry several times the bytes of the same
-- pull of one's own). NULL: the row may have moved in or out, and goes whole or as a removal, as before.
ALTER TABLE mooring.shared_feed ADD COLUMN change_seq bigint;

-- DOWN
ALTER TABLE mooring.shared_feed DROP COLUMN change_seq;
