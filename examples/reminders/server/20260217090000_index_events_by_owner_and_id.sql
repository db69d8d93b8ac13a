-- Description: Index events by owner and id, the order a device's first sync reads them in
-- mooring:no-transaction
-- UP

-- A new device downloads its user's events page by page in id order (Mooring's bootstrap); with this index each
-- page is a range of it, where (user_id, solar_date) made every page read and sort all of the user's events.
-- Mooring's docs recommend it for every synced table whose users own many rows. Built like the index before it.
DROP INDEX CONCURRENTLY IF EXISTS events_user_id_id_idx;

CREATE INDEX CONCURRENTLY events_user_id_id_idx ON events (user_id, id);

-- DOWN
DROP INDEX CONCURRENTLY IF EXISTS events_user_id_id_idx;
