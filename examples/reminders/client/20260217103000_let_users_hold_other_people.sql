-- Description: Rebuild users with email optional: a device also keeps the people its user shares with
-- UP

-- Besides its own user, a device now holds the users who share with its user and those its user shares with.
-- It gets only their id and display_name (sync.yaml never sends another user's e-mail), so email becomes optional
-- here. A NOT NULL column the row lacks would make the sync client pass the row over as incomplete. The server's
-- users table keeps email NOT NULL. The other columns keep their defaults; on another user's row they say nothing
-- about that user.
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt, keeping its rows, and its trigger is created again.
-- Since the previous migration nothing references users, so dropping it deletes nothing else, whether foreign keys
-- are on or off. Mooring's sync columns and capture triggers come back with SyncClient.open, as there.
CREATE TABLE users_new (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    email        TEXT    CHECK (email LIKE '_%@_%'),
    display_name TEXT    NOT NULL DEFAULT '',
    time_zone    TEXT    NOT NULL DEFAULT 'UTC',
    locale       TEXT    NOT NULL DEFAULT 'en',
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at   TEXT
);
INSERT INTO users_new (id, email, display_name, time_zone, locale, created_at, updated_at, deleted_at)
SELECT id, email, display_name, time_zone, locale, created_at, updated_at, deleted_at
  FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TRIGGER users_set_updated_at
AFTER UPDATE ON users
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- DOWN

-- Back to email NOT NULL: other people's rows, which have no e-mail, are left out (the server still has them).
CREATE TABLE users_old (
    id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    email        TEXT    NOT NULL CHECK (email LIKE '_%@_%'),
    display_name TEXT    NOT NULL DEFAULT '',
    time_zone    TEXT    NOT NULL DEFAULT 'UTC',
    locale       TEXT    NOT NULL DEFAULT 'en',
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at   TEXT
);
INSERT INTO users_old (id, email, display_name, time_zone, locale, created_at, updated_at, deleted_at)
SELECT id, email, display_name, time_zone, locale, created_at, updated_at, deleted_at
  FROM users
 WHERE email IS NOT NULL;
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;

CREATE TRIGGER users_set_updated_at
AFTER UPDATE ON users
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
