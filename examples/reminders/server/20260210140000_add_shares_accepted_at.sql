-- Description: Add shares.accepted_at; existing shares count as accepted
-- UP

-- From now on a recipient accepts a share before it shows up. Nullable: NULL = pending.
ALTER TABLE shares ADD COLUMN accepted_at timestamptz;

COMMENT ON COLUMN shares.accepted_at IS
    'When the recipient accepted the share; NULL while the invitation is pending.';

-- Shares made before invitations existed were visible at once: treat them as accepted.
UPDATE shares
   SET accepted_at = created_at
 WHERE accepted_at IS NULL;

CREATE INDEX shares_pending_idx ON shares (shared_with_user_id)
    WHERE accepted_at IS NULL AND deleted_at IS NULL;

-- DOWN
DROP INDEX shares_pending_idx;
ALTER TABLE shares DROP COLUMN accepted_at;
