-- Description: notes, tags and an audit trigger
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, score REAL, data BLOB, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE, tag TEXT NOT NULL,
                   PRIMARY KEY (note_id, tag)) WITHOUT ROWID;
CREATE TABLE note_audit (note_id INTEGER, old_body TEXT, at TEXT);
CREATE INDEX notes_score ON notes (score) WHERE score IS NOT NULL;
CREATE TRIGGER notes_audit AFTER UPDATE OF body ON notes BEGIN
  INSERT INTO note_audit (note_id, old_body, at) VALUES (old.id, old.body, 'now; not a statement end');
END;
