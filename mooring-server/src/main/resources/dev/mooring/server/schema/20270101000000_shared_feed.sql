-- Description: The shared feed: for each user, rows of other users whose visibility to them may have changed
-- UP

-- A row here says "row record_id of table_name may look different to audience now": it was written while the user
-- could see it, or a write to a table a sharing rule passes through (a share, a group membership) may have opened
-- or closed it to them. A pull turns each into the row as the user may see it now, or a removal when they may not
-- (ChangeFeed), so the order in which the transactions that wrote these commit cannot leave a device wrong.
-- Positions come from the change log's sequence: one (xid, seq) order over both.
CREATE TABLE mooring.shared_feed (
    audience   text        NOT NULL,
    xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    seq        bigint      NOT NULL DEFAULT nextval('mooring.change_log_seq_seq'),
    table_name text        NOT NULL,
    record_id  text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shared_feed_position ON mooring.shared_feed (audience, xid, seq);
CREATE INDEX shared_feed_changed_at ON mooring.shared_feed (changed_at);

-- DOWN
DROP TABLE mooring.shared_feed;
