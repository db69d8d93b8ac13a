-- Description: Add trigram search on event titles
-- UP

-- pg_trgm is a trusted extension: the database owner can create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Serves ILIKE '%term%' and similarity searches on titles. events is still small,
-- so a plain (locking) build inside the migration's transaction is fine here.
CREATE INDEX events_title_trgm_idx ON events USING gin (title gin_trgm_ops);

-- DOWN
DROP INDEX events_title_trgm_idx;
-- Fails (as it should) if something else has come to depend on pg_trgm since.
DROP EXTENSION IF EXISTS pg_trgm;
