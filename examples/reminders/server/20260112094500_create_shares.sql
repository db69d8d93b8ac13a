-- Description: Create shares (an event or a group shared with another user)
-- UP
CREATE TABLE shares (
    id                  uuid        PRIMARY KEY DEFAULT uuidv7(),
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shared_with_user_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id            uuid        REFERENCES events (id) ON DELETE CASCADE,
    group_id            uuid        REFERENCES groups (id) ON DELETE CASCADE,
    permission          text        NOT NULL DEFAULT 'view',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz,

    CONSTRAINT shares_permission_check
        CHECK (permission IN ('view', 'edit')),
    -- A share targets exactly one event or one group.
    CONSTRAINT shares_target_check
        CHECK ((event_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT shares_not_self_check
        CHECK (shared_with_user_id <> user_id),
    -- One share per target and recipient, tombstones included: sharing again
    -- after an unshare revives the old row (clears deleted_at).
    CONSTRAINT shares_event_id_shared_with_user_id_key UNIQUE (event_id, shared_with_user_id),
    CONSTRAINT shares_group_id_shared_with_user_id_key UNIQUE (group_id, shared_with_user_id)
);

COMMENT ON TABLE shares IS
    'An event or a group that its owner (user_id) shares with another user, read-only (view) or read-write (edit).';

CREATE INDEX shares_user_id_idx ON shares (user_id);
-- "Shared with me" listing; also serves the foreign key to users.
CREATE INDEX shares_shared_with_user_id_idx ON shares (shared_with_user_id);

CREATE TRIGGER shares_set_updated_at
    BEFORE UPDATE ON shares
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- DOWN
DROP TABLE shares;
