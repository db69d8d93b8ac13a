-- Description: Create events with solar or lunar dates and notification settings
-- UP

-- Same columns and rules as the server's events table. Booleans are INTEGER 0/1,
-- dates TEXT 'YYYY-MM-DD', times TEXT 'HH:MM:SS', timestamps TEXT ISO-8601 UTC.
-- date(x, '+0 days') normalises impossible days ('2026-02-30' becomes '2026-03-02'),
-- so comparing it with x rejects them; plain date(x) would let them through.
CREATE TABLE events (
    id                    TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id               TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title                 TEXT    NOT NULL,
    notes                 TEXT,
    calendar              TEXT    NOT NULL DEFAULT 'solar',
    solar_date            TEXT    CHECK (date(solar_date, '+0 days') IS solar_date),
    lunar_year            INTEGER,
    lunar_month           INTEGER,
    lunar_day             INTEGER,
    is_leap_month         INTEGER NOT NULL DEFAULT 0 CHECK (is_leap_month IN (0, 1)),
    recurrence            TEXT    NOT NULL DEFAULT 'none',
    all_day               INTEGER NOT NULL DEFAULT 1 CHECK (all_day IN (0, 1)),
    start_time            TEXT    CHECK (time(start_time) IS start_time),
    notify_enabled        INTEGER NOT NULL DEFAULT 1 CHECK (notify_enabled IN (0, 1)),
    remind_offset_minutes INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at            TEXT,

    CONSTRAINT events_title_check
        CHECK (length(trim(title)) > 0 AND length(title) <= 200),
    CONSTRAINT events_calendar_check
        CHECK (calendar IN ('solar', 'lunar')),
    CONSTRAINT events_recurrence_check
        CHECK (recurrence IN ('none', 'monthly', 'yearly')),
    CONSTRAINT events_lunar_year_check
        CHECK (lunar_year BETWEEN 1900 AND 2100),
    CONSTRAINT events_lunar_month_check
        CHECK (lunar_month BETWEEN 1 AND 12),
    CONSTRAINT events_lunar_day_check
        CHECK (lunar_day BETWEEN 1 AND 30),
    CONSTRAINT events_date_matches_calendar_check CHECK (
        (calendar = 'solar'
            AND solar_date IS NOT NULL
            AND lunar_year IS NULL AND lunar_month IS NULL AND lunar_day IS NULL
            AND is_leap_month = 0)
        OR
        (calendar = 'lunar'
            AND solar_date IS NULL
            AND lunar_year IS NOT NULL AND lunar_month IS NOT NULL AND lunar_day IS NOT NULL)
    ),
    CONSTRAINT events_start_time_check CHECK (
        (all_day = 1 AND start_time IS NULL) OR (all_day = 0 AND start_time IS NOT NULL)
    ),
    CONSTRAINT events_remind_offset_minutes_check
        CHECK (remind_offset_minutes >= 0)
);

-- The client holds one user's rows, so its indexes follow the screens, not user_id.
CREATE INDEX events_solar_date_idx ON events (solar_date)
    WHERE calendar = 'solar' AND deleted_at IS NULL;
CREATE INDEX events_lunar_active_idx ON events (lunar_month, lunar_day)
    WHERE calendar = 'lunar' AND deleted_at IS NULL;

CREATE TRIGGER events_set_updated_at
AFTER UPDATE ON events
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE events SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- DOWN
DROP TRIGGER events_set_updated_at;
DROP INDEX events_lunar_active_idx;
DROP INDEX events_solar_date_idx;
DROP TABLE events;
