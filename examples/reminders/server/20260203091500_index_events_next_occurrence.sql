-- Description: Index events by next occurrence, built concurrently
-- mooring:no-transaction
-- UP

-- events is large in production by now: build without blocking writes. This file runs
-- outside a transaction, one statement at a time. A failed CONCURRENTLY build leaves an
-- INVALID index behind, so drop any leftover first; that makes a re-run safe.
DROP INDEX CONCURRENTLY IF EXISTS events_next_occurrence_idx;

CREATE INDEX CONCURRENTLY events_next_occurrence_idx
    ON events (next_occurrence_on)
    WHERE deleted_at IS NULL AND notify_enabled;

-- DOWN
DROP INDEX CONCURRENTLY IF EXISTS events_next_occurrence_idx;
