-- Description: Create notes
-- UP
-- A synced table: a client-generated uuid id, an owner column (user_id) and a deleted_at tombstone (see sync.yaml).
CREATE TABLE notes (
    id         uuid PRIMARY KEY,
    user_id    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX notes_user_idx ON notes (user_id) WHERE deleted_at IS NULL;
-- DOWN
DROP TABLE notes;
