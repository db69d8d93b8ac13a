-- Description: Tokens are user tokens or admin tokens
-- UP

-- A user token syncs as its user and sees that user's sessions and conflicts; an admin token syncs as nobody and reads
-- what spans every user (global health, every user's sessions, the whole conflict queue). Its user_id names who holds
-- it, for the record. Tokens issued before roles existed stay user tokens.
ALTER TABLE mooring.tokens
    ADD COLUMN role text NOT NULL DEFAULT 'user' CONSTRAINT tokens_role_check CHECK (role IN ('user', 'admin'));

-- DOWN
ALTER TABLE mooring.tokens DROP COLUMN role;
