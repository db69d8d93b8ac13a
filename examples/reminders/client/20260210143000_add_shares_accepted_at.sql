-- Description: Add shares.accepted_at; existing shares count as accepted
-- UP

-- NULL = the recipient has not accepted yet. Set by the server; clients only read it.
ALTER TABLE shares ADD COLUMN accepted_at TEXT;

UPDATE shares
   SET accepted_at = created_at
 WHERE accepted_at IS NULL;

-- DOWN
ALTER TABLE shares DROP COLUMN accepted_at;
