-- Description: Create groups and the event_groups link table
-- UP
CREATE TABLE groups (
    id         uuid        PRIMARY KEY DEFAULT uuidv7(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    color      text,
    sort_order integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,

    CONSTRAINT groups_name_check
        CHECK (length(trim(name)) > 0 AND length(name) <= 100),
    CONSTRAINT groups_color_check
        CHECK (color ~ '^#[0-9a-f]{6}$')
);

COMMENT ON TABLE groups IS
    'User-defined collections of events (Family, Work, ...). Names are deliberately not unique: two offline devices may create the same name.';

CREATE INDEX groups_user_id_sort_order_idx ON groups (user_id, sort_order);

CREATE TRIGGER groups_set_updated_at
    BEFORE UPDATE ON groups
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- Many-to-many between events and groups. Clients derive the id from (event_id, group_id)
-- (a name-based UUID), so the same link made offline on two devices is the same row,
-- and linking again after an unlink clears deleted_at instead of inserting. Hence no
-- DEFAULT on id, and a UNIQUE key that includes tombstones.
CREATE TABLE event_groups (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    group_id   uuid        NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,

    CONSTRAINT event_groups_event_id_group_id_key UNIQUE (event_id, group_id)
);

COMMENT ON TABLE event_groups IS
    'Links events to groups. id is derived by clients from (event_id, group_id).';

-- event_id is covered by the unique key; the other foreign keys need their own index.
CREATE INDEX event_groups_group_id_idx ON event_groups (group_id);
CREATE INDEX event_groups_user_id_idx ON event_groups (user_id);

CREATE TRIGGER event_groups_set_updated_at
    BEFORE UPDATE ON event_groups
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

-- DOWN
DROP TABLE event_groups;
DROP TABLE groups;
