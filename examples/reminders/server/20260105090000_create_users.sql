-- Description: Create users and the shared updated_at trigger function
-- UP

-- One trigger function for every table that carries updated_at.
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS
    'BEFORE UPDATE trigger function: stamps updated_at with the transaction time.';

CREATE TABLE users (
    id           uuid        PRIMARY KEY DEFAULT uuidv7(),
    email        text        NOT NULL CHECK (email LIKE '_%@_%'),
    display_name text        NOT NULL DEFAULT '',
    time_zone    text        NOT NULL DEFAULT 'UTC',
    locale       text        NOT NULL DEFAULT 'en',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);

COMMENT ON TABLE users IS
    'Accounts. Closing an account sets deleted_at; a hard DELETE (data erasure) cascades to everything the user owns.';
COMMENT ON COLUMN users.time_zone IS 'IANA time zone name, e.g. Asia/Ho_Chi_Minh.';

-- E-mail addresses are unique among live accounts, compared case-insensitively.
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- DOWN
DROP TABLE users;
DROP FUNCTION set_updated_at();
