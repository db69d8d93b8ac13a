-- Description: Create the upcoming_events view (next 30 days, per event time zone)
-- UP
CREATE VIEW upcoming_events AS
SELECT e.id,
       e.user_id,
       e.title,
       e.calendar,
       e.solar_date,
       e.lunar_year,
       e.lunar_month,
       e.lunar_day,
       e.is_leap_month,
       e.recurrence,
       e.all_day,
       e.start_time,
       e.notify_enabled,
       e.remind_offset_minutes,
       e.next_occurrence_on,
       coalesce(e.time_zone, u.time_zone) AS time_zone
  FROM events AS e
  JOIN users AS u ON u.id = e.user_id
 WHERE e.deleted_at IS NULL
   AND u.deleted_at IS NULL
   AND e.next_occurrence_on >= (now() AT TIME ZONE coalesce(e.time_zone, u.time_zone))::date
   AND e.next_occurrence_on <  (now() AT TIME ZONE coalesce(e.time_zone, u.time_zone))::date + 30;

COMMENT ON VIEW upcoming_events IS
    'Live events whose next occurrence falls within the next 30 days, "today" taken in each event''s own time zone.';

-- DOWN
DROP VIEW upcoming_events;
