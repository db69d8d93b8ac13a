-- Description: Add notes.pinned
-- UP
ALTER TABLE notes ADD COLUMN pinned boolean NOT NULL DEFAULT false;
-- DOWN
ALTER TABLE notes DROP COLUMN pinned;
