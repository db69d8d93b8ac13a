-- Description: Create groups and the event_groups link table
-- UP
CREATE TABLE groups (
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
    -- Same rule as the server's color ~ '^#[0-9a-f]{6}$'.
    CONSTRAINT groups_color_check
        CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
);

CREATE INDEX groups_sort_order_idx ON groups (sort_order) WHERE deleted_at IS NULL;

CREATE TRIGGER groups_set_updated_at
AFTER UPDATE ON groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- id is derived from (event_id, group_id) as a name-based UUID (see README), so linking
-- the same pair on two offline devices yields one row, and re-linking after an unlink
-- clears deleted_at. The unique key therefore includes tombstones.
CREATE TABLE event_groups (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,

    CONSTRAINT event_groups_event_id_group_id_key UNIQUE (event_id, group_id)
);

-- event_id is covered by the unique key; group_id needs its own index for the
-- foreign key check on group deletes and for "events in this group".
CREATE INDEX event_groups_group_id_idx ON event_groups (group_id);

CREATE TRIGGER event_groups_set_updated_at
AFTER UPDATE ON event_groups
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE event_groups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- DOWN
DROP TRIGGER event_groups_set_updated_at;
DROP INDEX event_groups_group_id_idx;
DROP TABLE event_groups;
DROP TRIGGER groups_set_updated_at;
DROP INDEX groups_sort_order_idx;
DROP TABLE groups;
