-- Description: Create events with solar or lunar dates and notification settings
-- UP
CREATE TABLE events (
    id                    uuid        PRIMARY KEY DEFAULT uuidv7(),
    user_id               uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title                 text        NOT NULL,
    notes                 text,
    calendar              text        NOT NULL DEFAULT 'solar',
    solar_date            date,
    lunar_year            integer,
    lunar_month           smallint,
    lunar_day             smallint,
    is_leap_month         boolean     NOT NULL DEFAULT false,
    recurrence            text        NOT NULL DEFAULT 'none',
    all_day               boolean     NOT NULL DEFAULT true,
    start_time            time,
    notify_enabled        boolean     NOT NULL DEFAULT true,
    remind_offset_minutes integer     NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz,

    CONSTRAINT events_title_check
        CHECK (length(trim(title)) > 0 AND length(title) <= 200),
    CONSTRAINT events_calendar_check
        CHECK (calendar IN ('solar', 'lunar')),
    CONSTRAINT events_recurrence_check
        CHECK (recurrence IN ('none', 'monthly', 'yearly')),
    -- Our lunar conversion tables cover 1900..2100.
    CONSTRAINT events_lunar_year_check
        CHECK (lunar_year BETWEEN 1900 AND 2100),
    CONSTRAINT events_lunar_month_check
        CHECK (lunar_month BETWEEN 1 AND 12),
    -- Lunar months have 29 or 30 days.
    CONSTRAINT events_lunar_day_check
        CHECK (lunar_day BETWEEN 1 AND 30),
    -- A solar event has a Gregorian date and no lunar fields; a lunar event the reverse.
    CONSTRAINT events_date_matches_calendar_check CHECK (
        (calendar = 'solar'
            AND solar_date IS NOT NULL
            AND lunar_year IS NULL AND lunar_month IS NULL AND lunar_day IS NULL
            AND NOT is_leap_month)
        OR
        (calendar = 'lunar'
            AND solar_date IS NULL
            AND lunar_year IS NOT NULL AND lunar_month IS NOT NULL AND lunar_day IS NOT NULL)
    ),
    -- All-day events have no start time; timed events must have one.
    CONSTRAINT events_start_time_check CHECK (
        (all_day AND start_time IS NULL) OR (NOT all_day AND start_time IS NOT NULL)
    ),
    CONSTRAINT events_remind_offset_minutes_check
        CHECK (remind_offset_minutes >= 0)
);

COMMENT ON TABLE events IS
    'Things to be reminded of: a Gregorian (solar) or lunar date, optional recurrence, notification settings.';
COMMENT ON COLUMN events.is_leap_month IS
    'Lunar only: the date falls in the intercalary (leap) month that follows lunar_month.';
COMMENT ON COLUMN events.start_time IS
    'Local time of day for timed events; NULL for all-day events.';
COMMENT ON COLUMN events.remind_offset_minutes IS
    'Notify this many minutes before the occurrence starts (local midnight for all-day events).';

-- Leading user_id also serves the foreign key (ON DELETE CASCADE from users).
CREATE INDEX events_user_id_solar_date_idx ON events (user_id, solar_date);

-- The daily notification job asks "which live lunar events fall on lunar month M, day D?".
CREATE INDEX events_lunar_active_idx ON events (lunar_month, lunar_day)
    WHERE calendar = 'lunar' AND deleted_at IS NULL;

CREATE TRIGGER events_set_updated_at
    BEFORE UPDATE ON events
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- DOWN
DROP TABLE events;
