-- Description: Rebuild events, groups, event_groups and shares so a device can hold rows other users share with it
-- UP

-- With sharing (see sync.yaml) a device also holds other users' rows: events and groups shared with its user,
-- their links, and the shares addressed to it. The server sends what the rules let the user read, and that does
-- not always include every row such a row references:
--   * a share arrives before its event or group, which come only once it is accepted, so shares.event_id and
--     shares.group_id cannot be foreign keys here;
--   * the owner of a shared row is not always among the users a device holds (someone who adds an event of their
--     own to a shared group stays unknown to the group's other members), so user_id is checked for its format
--     instead of referencing users.
-- The links keep their foreign keys to events and groups: the rules send a link exactly when they send both.
--
-- SQLite cannot drop a foreign key in place, so each table is rebuilt: create X_new, copy the rows, drop X, rename
-- X_new to X, then create its indexes and triggers again. Mooring's sync columns and capture triggers go with the
-- old tables; SyncClient.open adds them back right after migrating. Rows with no change waiting in the outbox
-- count as synced.
--
-- With foreign keys on, dropping events would also delete every link and share of them (ON DELETE CASCADE). This
-- migration therefore refuses to run then, with "CHECK constraint failed: rebuild_needs_foreign_keys_off". Mooring
-- migrates with foreign keys off (a per-connection setting); the app turns them on for its own connections.
CREATE TEMP TABLE IF NOT EXISTS foreign_keys_setting (
    enforced INTEGER CONSTRAINT rebuild_needs_foreign_keys_off CHECK (enforced = 0)
);
INSERT INTO foreign_keys_setting SELECT foreign_keys FROM pragma_foreign_keys;

-- These two name event_groups and shares, which are rebuilt below; they are created again at the end.
DROP TRIGGER events_cascade_tombstone;
DROP TRIGGER groups_cascade_tombstone;

CREATE TABLE events_new (
    id                    TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id               TEXT    NOT NULL CHECK (length(user_id) = 36 AND user_id = lower(user_id)),
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
    time_zone             TEXT,
    next_occurrence_on    TEXT    CHECK (date(next_occurrence_on, '+0 days') IS next_occurrence_on),

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
INSERT INTO events_new (id, user_id, title, notes, calendar, solar_date, lunar_year, lunar_month, lunar_day,
                        is_leap_month, recurrence, all_day, start_time, notify_enabled, remind_offset_minutes,
                        created_at, updated_at, deleted_at, time_zone, next_occurrence_on)
SELECT id, user_id, title, notes, calendar, solar_date, lunar_year, lunar_month, lunar_day,
       is_leap_month, recurrence, all_day, start_time, notify_enabled, remind_offset_minutes,
       created_at, updated_at, deleted_at, time_zone, next_occurrence_on
  FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

CREATE TABLE groups_new (
    id         TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id    TEXT    NOT NULL CHECK (length(user_id) = 36 AND user_id = lower(user_id)),
    name       TEXT    NOT NULL,
    color      TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,

    CONSTRAINT groups_name_check
        CHECK (length(trim(name)) > 0 AND length(name) <= 100),
    CONSTRAINT groups_color_check
        CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
);
INSERT INTO groups_new (id, user_id, name, color, sort_order, created_at, updated_at, deleted_at)
SELECT id, user_id, name, color, sort_order, created_at, updated_at, deleted_at
  FROM groups;
DROP TABLE groups;
ALTER TABLE groups_new RENAME TO groups;

CREATE TABLE event_groups_new (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id    TEXT NOT NULL CHECK (length(user_id) = 36 AND user_id = lower(user_id)),
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,

    CONSTRAINT event_groups_event_id_group_id_key UNIQUE (event_id, group_id)
);
INSERT INTO event_groups_new (id, user_id, event_id, group_id, created_at, updated_at, deleted_at)
SELECT id, user_id, event_id, group_id, created_at, updated_at, deleted_at
  FROM event_groups;
DROP TABLE event_groups;
ALTER TABLE event_groups_new RENAME TO event_groups;

-- Shares an event or a group by id, which the device may not hold yet: no foreign keys, only the format.
CREATE TABLE shares_new (
    id                  TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id             TEXT NOT NULL CHECK (length(user_id) = 36 AND user_id = lower(user_id)),
    shared_with_user_id TEXT NOT NULL
        CHECK (length(shared_with_user_id) = 36 AND shared_with_user_id = lower(shared_with_user_id)),
    event_id            TEXT CHECK (length(event_id) = 36 AND event_id = lower(event_id)),
    group_id            TEXT CHECK (length(group_id) = 36 AND group_id = lower(group_id)),
    permission          TEXT NOT NULL DEFAULT 'view',
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at          TEXT,
    accepted_at         TEXT,

    CONSTRAINT shares_permission_check
        CHECK (permission IN ('view', 'edit')),
    CONSTRAINT shares_target_check
        CHECK ((event_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT shares_not_self_check
        CHECK (shared_with_user_id <> user_id),
    CONSTRAINT shares_event_id_shared_with_user_id_key UNIQUE (event_id, shared_with_user_id),
    CONSTRAINT shares_group_id_shared_with_user_id_key UNIQUE (group_id, shared_with_user_id)
);
INSERT INTO shares_new (id, user_id, shared_with_user_id, event_id, group_id, permission, created_at, updated_at,
                        deleted_at, accepted_at)
SELECT id, user_id, shared_with_user_id, event_id, group_id, permission, created_at, updated_at,
       deleted_at, accepted_at
  FROM shares;
DROP TABLE shares;
ALTER TABLE shares_new RENAME TO shares;

-- The indexes and triggers the old tables had, as the earlier migrations created them.
CREATE INDEX events_solar_date_idx ON events (solar_date)
    WHERE calendar = 'solar' AND deleted_at IS NULL;
CREATE INDEX events_lunar_active_idx ON events (lunar_month, lunar_day)
    WHERE calendar = 'lunar' AND deleted_at IS NULL;
CREATE INDEX events_next_occurrence_idx ON events (next_occurrence_on)
    WHERE deleted_at IS NULL AND notify_enabled = 1;
CREATE INDEX groups_sort_order_idx ON groups (sort_order) WHERE deleted_at IS NULL;
CREATE INDEX event_groups_group_id_idx ON event_groups (group_id);

CREATE TRIGGER events_set_updated_at
AFTER UPDATE ON events
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE events SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER groups_set_updated_at
AFTER UPDATE ON groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER event_groups_set_updated_at
AFTER UPDATE ON event_groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE event_groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER shares_set_updated_at
AFTER UPDATE ON shares
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE shares SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER events_cascade_tombstone
AFTER UPDATE OF deleted_at ON events
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER groups_cascade_tombstone
AFTER UPDATE OF deleted_at ON groups
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
END;

-- DOWN

-- Back to foreign keys to users, events and groups. The earlier schema cannot hold other users' rows, so only the
-- rows whose references it can satisfy are kept: this device's own (the server still has the others). Foreign keys
-- must be off here too.
CREATE TEMP TABLE IF NOT EXISTS foreign_keys_setting (
    enforced INTEGER CONSTRAINT rebuild_needs_foreign_keys_off CHECK (enforced = 0)
);
INSERT INTO foreign_keys_setting SELECT foreign_keys FROM pragma_foreign_keys;

DROP TRIGGER events_cascade_tombstone;
DROP TRIGGER groups_cascade_tombstone;

CREATE TABLE events_old (
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
    time_zone             TEXT,
    next_occurrence_on    TEXT    CHECK (date(next_occurrence_on, '+0 days') IS next_occurrence_on),

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
INSERT INTO events_old (id, user_id, title, notes, calendar, solar_date, lunar_year, lunar_month, lunar_day,
                        is_leap_month, recurrence, all_day, start_time, notify_enabled, remind_offset_minutes,
                        created_at, updated_at, deleted_at, time_zone, next_occurrence_on)
SELECT id, user_id, title, notes, calendar, solar_date, lunar_year, lunar_month, lunar_day,
       is_leap_month, recurrence, all_day, start_time, notify_enabled, remind_offset_minutes,
       created_at, updated_at, deleted_at, time_zone, next_occurrence_on
  FROM events
 WHERE user_id IN (SELECT id FROM users);
DROP TABLE events;
ALTER TABLE events_old RENAME TO events;

CREATE TABLE groups_old (
    id         TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    color      TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,

    CONSTRAINT groups_name_check
        CHECK (length(trim(name)) > 0 AND length(name) <= 100),
    CONSTRAINT groups_color_check
        CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
);
INSERT INTO groups_old (id, user_id, name, color, sort_order, created_at, updated_at, deleted_at)
SELECT id, user_id, name, color, sort_order, created_at, updated_at, deleted_at
  FROM groups
 WHERE user_id IN (SELECT id FROM users);
DROP TABLE groups;
ALTER TABLE groups_old RENAME TO groups;

CREATE TABLE event_groups_old (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,

    CONSTRAINT event_groups_event_id_group_id_key UNIQUE (event_id, group_id)
);
INSERT INTO event_groups_old (id, user_id, event_id, group_id, created_at, updated_at, deleted_at)
SELECT id, user_id, event_id, group_id, created_at, updated_at, deleted_at
  FROM event_groups
 WHERE user_id IN (SELECT id FROM users)
   AND event_id IN (SELECT id FROM events)
   AND group_id IN (SELECT id FROM groups);
DROP TABLE event_groups;
ALTER TABLE event_groups_old RENAME TO event_groups;

CREATE TABLE shares_old (
    id                  TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shared_with_user_id TEXT NOT NULL
        CHECK (length(shared_with_user_id) = 36 AND shared_with_user_id = lower(shared_with_user_id)),
    event_id            TEXT REFERENCES events (id) ON DELETE CASCADE,
    group_id            TEXT REFERENCES groups (id) ON DELETE CASCADE,
    permission          TEXT NOT NULL DEFAULT 'view',
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at          TEXT,
    accepted_at         TEXT,

    CONSTRAINT shares_permission_check
        CHECK (permission IN ('view', 'edit')),
    CONSTRAINT shares_target_check
        CHECK ((event_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT shares_not_self_check
        CHECK (shared_with_user_id <> user_id),
    CONSTRAINT shares_event_id_shared_with_user_id_key UNIQUE (event_id, shared_with_user_id),
    CONSTRAINT shares_group_id_shared_with_user_id_key UNIQUE (group_id, shared_with_user_id)
);
INSERT INTO shares_old (id, user_id, shared_with_user_id, event_id, group_id, permission, created_at, updated_at,
                        deleted_at, accepted_at)
SELECT id, user_id, shared_with_user_id, event_id, group_id, permission, created_at, updated_at,
       deleted_at, accepted_at
  FROM shares
 WHERE user_id IN (SELECT id FROM users)
   AND (event_id IS NULL OR event_id IN (SELECT id FROM events))
   AND (group_id IS NULL OR group_id IN (SELECT id FROM groups));
DROP TABLE shares;
ALTER TABLE shares_old RENAME TO shares;

CREATE INDEX events_solar_date_idx ON events (solar_date)
    WHERE calendar = 'solar' AND deleted_at IS NULL;
CREATE INDEX events_lunar_active_idx ON events (lunar_month, lunar_day)
    WHERE calendar = 'lunar' AND deleted_at IS NULL;
CREATE INDEX events_next_occurrence_idx ON events (next_occurrence_on)
    WHERE deleted_at IS NULL AND notify_enabled = 1;
CREATE INDEX groups_sort_order_idx ON groups (sort_order) WHERE deleted_at IS NULL;
CREATE INDEX event_groups_group_id_idx ON event_groups (group_id);

CREATE TRIGGER events_set_updated_at
AFTER UPDATE ON events
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE events SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER groups_set_updated_at
AFTER UPDATE ON groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER event_groups_set_updated_at
AFTER UPDATE ON event_groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE event_groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER shares_set_updated_at
AFTER UPDATE ON shares
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE shares SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TRIGGER events_cascade_tombstone
AFTER UPDATE OF deleted_at ON events
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER groups_cascade_tombstone
AFTER UPDATE OF deleted_at ON groups
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
END;
