-- Description: Add events.next_occurrence_on and backfill one-off solar events
-- UP
ALTER TABLE events ADD COLUMN next_occurrence_on date;

COMMENT ON COLUMN events.next_occurrence_on IS
    'Gregorian date of the next occurrence in the event''s time zone, recomputed by the app after each occurrence; NULL when there is none.';

-- One-off solar events still ahead are trivial. Recurring and lunar events need the
-- lunar calendar conversion, which lives in the application: its recompute job fills
-- them in on its next run.
UPDATE events
   SET next_occurrence_on = solar_date
 WHERE calendar = 'solar'
   AND recurrence = 'none'
   AND solar_date >= current_date
   AND deleted_at IS NULL;

-- DOWN
ALTER TABLE events DROP COLUMN next_occurrence_on;
