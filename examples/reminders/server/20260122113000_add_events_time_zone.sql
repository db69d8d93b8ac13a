-- Description: Add events.time_zone and pin existing events to their owner's zone
-- UP

-- Nullable on purpose: clients released before this column do not send it, and NULL
-- means "the owner's current time zone".
ALTER TABLE events ADD COLUMN time_zone text;

COMMENT ON COLUMN events.time_zone IS
    'IANA time zone the event is anchored to; NULL = the owner''s current time zone.';

-- Existing events were created in the owner's zone; pin them there so that a user who
-- moves does not see old reminders shift.
UPDATE events AS e
   SET time_zone = u.time_zone
  FROM users AS u
 WHERE u.id = e.user_id
   AND e.time_zone IS NULL;

-- DOWN
ALTER TABLE events DROP COLUMN time_zone;
