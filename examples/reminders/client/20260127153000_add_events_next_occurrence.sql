-- Description: Add events.next_occurrence_on and backfill one-off solar events
-- UP

-- The client computes this itself (it schedules local notifications from it); the
-- recurring and lunar cases are filled in by the app's recompute pass at start-up.
ALTER TABLE events ADD COLUMN next_occurrence_on TEXT
    CHECK (date(next_occurrence_on, '+0 days') IS next_occurrence_on);

UPDATE events
   SET next_occurrence_on = solar_date
 WHERE calendar = 'solar'
   AND recurrence = 'none'
   AND solar_date >= date('now')
   AND deleted_at IS NULL;

CREATE INDEX events_next_occurrence_idx ON events (next_occurrence_on)
    WHERE deleted_at IS NULL AND notify_enabled = 1;

-- DOWN
DROP INDEX events_next_occurrence_idx;
ALTER TABLE events DROP COLUMN next_occurrence_on;
