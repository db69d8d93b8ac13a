-- Description: Relayed changes: the node that pushed a change for its origin (a peer that learned it)
-- UP

-- NULL for a change its origin pushed itself (and for writes on the server). A pull passes over the changes a node
-- pushed, its own and those it relayed: it has them, and one sent back would land after the node's own later
-- changes to the row, which it is not sent.
ALTER TABLE mooring.change_log ADD COLUMN relayed_by text;

-- DOWN
ALTER TABLE mooring.change_log DROP COLUMN relayed_by;
