-- Description: an index on a column that does not exist
CREATE INDEX notes_title_idx
    ON notes (title);
