-- Description: Create notes
-- UP
CREATE TABLE notes (
    id         uuid PRIMARY KEY,
    user_id    text NOT NULL,
    body       text NOT NULL,
    deleted_at timestamptz
);
-- DOWN
DROP TABLE notes;
