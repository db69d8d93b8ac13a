-- Description: Create devices (registered client devices and their push tokens)
-- UP
CREATE TYPE device_platform AS ENUM ('ios', 'android', 'web', 'macos', 'windows', 'linux');

CREATE TABLE devices (
    id           uuid            PRIMARY KEY DEFAULT uuidv7(),
    user_id      uuid            NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform     device_platform NOT NULL,
    name         text            NOT NULL DEFAULT '',
    push_token   text,
    app_version  text,
    last_seen_at timestamptz     NOT NULL DEFAULT now(),
    created_at   timestamptz     NOT NULL DEFAULT now(),
    updated_at   timestamptz     NOT NULL DEFAULT now(),
    deleted_at   timestamptz,

    CONSTRAINT devices_push_token_check CHECK (push_token <> '')
);

COMMENT ON TABLE devices IS
    'Client installations per user, for push notifications. Server-only: not synced to clients.';
COMMENT ON COLUMN devices.push_token IS
    'APNs/FCM/Web Push token; NULL until the user allows notifications.';

-- A push token belongs to one live device registration.
CREATE UNIQUE INDEX devices_push_token_key ON devices (push_token)
    WHERE push_token IS NOT NULL AND deleted_at IS NULL;

-- "Devices of this user, most recently seen first"; also serves the foreign key.
CREATE INDEX devices_user_id_last_seen_at_idx ON devices (user_id, last_seen_at DESC);

CREATE TRIGGER devices_set_updated_at
    BEFORE UPDATE ON devices
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- DOWN
DROP TABLE devices;
DROP TYPE device_platform;
