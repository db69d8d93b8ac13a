-- Description: Create users (the signed-in user's own profile row)
-- UP

-- ids are canonical lower-case UUID text, exactly as PostgreSQL prints uuid values,
-- so a row maps to the same server row whatever platform generated the id.
CREATE TABLE users (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    email        TEXT    NOT NULL CHECK (email LIKE '_%@_%'),
    display_name TEXT    NOT NULL DEFAULT '',
    time_zone    TEXT    NOT NULL DEFAULT 'UTC',
    locale       TEXT    NOT NULL DEFAULT 'en',
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at   TEXT
);

-- Stamp updated_at unless the statement set it itself (the sync engine does, when it
-- applies a row pulled from the server).
CREATE TRIGGER users_set_updated_at
AFTER UPDATE ON users
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- DOWN
DROP TRIGGER users_set_updated_at;
DROP TABLE users;
