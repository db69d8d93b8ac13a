-- Description: Create shares (the user's own events and groups shared with others)
-- UP

-- The client keeps only the shares its user made. shared_with_user_id is NOT a foreign
-- key here, unlike on the server: the client's users table holds only its own user.
CREATE TABLE shares (
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

    CONSTRAINT shares_permission_check
        CHECK (permission IN ('view', 'edit')),
    CONSTRAINT shares_target_check
        CHECK ((event_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT shares_not_self_check
        CHECK (shared_with_user_id <> user_id),
    CONSTRAINT shares_event_id_shared_with_user_id_key UNIQUE (event_id, shared_with_user_id),
    CONSTRAINT shares_group_id_shared_with_user_id_key UNIQUE (group_id, shared_with_user_id)
);

CREATE TRIGGER shares_set_updated_at
AFTER UPDATE ON shares
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE shares SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- DOWN
DROP TRIGGER shares_set_updated_at;
DROP TABLE shares;
