-- Description: A shared-feed entry for a user who saw a row before and after an update names that update's change
-- UP

-- Such a user's devices hold the row already: they get the change's columns with its times, as the owner's devices
-- do, instead of the whole row (a pull of shared changes would otherwise carry several times the bytes of the same
-- pull of one's own). NULL: the row may have moved in or out, and goes whole or as a removal, as before.
ALTER TABLE mooring.shared_feed ADD COLUMN change_seq bigint;

-- Whether a row moved for a user after a change of it: every write that may open or close a row for a user puts an
-- entry without a change, after the change's entry in sequence (the sharing triggers serialise such writes), so a
-- pull sends a change as it is unless one of those follows it, and needs no check of the rules for it.
CREATE INDEX shared_feed_moves ON mooring.shared_feed (audience, table_name, record_id, seq) WHERE change_seq IS NULL;

-- DOWN
DROP INDEX mooring.shared_feed_moves;
ALTER TABLE mooring.shared_feed DROP COLUMN change_seq;
