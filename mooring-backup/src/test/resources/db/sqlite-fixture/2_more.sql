-- Description: counters, key-value pairs, full-text search and a view
CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);
CREATE TABLE kv (k TEXT, v INTEGER, doubled INTEGER GENERATED ALWAYS AS (v * 2) VIRTUAL);
CREATE VIRTUAL TABLE docs USING fts5 (title, body);
CREATE VIEW scored_notes AS SELECT id, body FROM notes WHERE score > 0.5;
