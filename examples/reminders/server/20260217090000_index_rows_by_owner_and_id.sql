-- Description: Index events and their group links by owner and id, the order a device's first sync reads them in
-- mooring:no-transaction
-- UP

-- A new device downloads its user's rows page by page in id order (Mooring's bootstrap); with these indexes each
-- page is a range of one, where (user_id, solar_date) and (user_id) made every page read and sort all of the user's
-- events and links. Mooring's docs recommend it for every synced table whose users own many rows. Built like the
-- index before it: concurrently, dropping a leftover of a failed build first.
DROP INDEX CONCURRENTLY IF EXISTS events_user_id_id_idx;
CREATE INDEX CONCURRENTLY events_user_id_id_idx ON events (user_id, id);

DROP INDEX CONCURRENTLY IF EXISTS event_groups_user_id_id_idx;
CREATE INDEX CONCURRENTLY event_groups_user_id_id_idx ON event_groups (user_id, id);

-- DOWN
DROP INDEX CONCURRENTLY IF EXISTS event_groups_user_id_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS events_user_id_id_idx;
