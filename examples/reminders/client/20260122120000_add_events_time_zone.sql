-- Description: Add events.time_zone and pin existing events to the user's zone
-- UP

-- NULL = the owner's current time zone (rows written by older app versions).
ALTER TABLE events ADD COLUMN time_zone TEXT;

UPDATE events
   SET time_zone = (SELECT u.time_zone FROM users AS u WHERE u.id = events.user_id)
 WHERE time_zone IS NULL;

-- DOWN
ALTER TABLE events DROP COLUMN time_zone;
