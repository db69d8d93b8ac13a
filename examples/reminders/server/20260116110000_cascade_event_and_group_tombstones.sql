-- Description: Tombstone links and shares when their event or group is tombstoned
-- UP

-- Soft-deleting an event or a group soft-deletes its event_groups links and its shares,
-- with the same deleted_at, so every device converges on the same rows. (A hard DELETE
-- is already handled by ON DELETE CASCADE.)
CREATE FUNCTION cascade_tombstone() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_TABLE_NAME = 'events' THEN
        UPDATE event_groups SET deleted_at = NEW.deleted_at
         WHERE event_id = NEW.id AND deleted_at IS NULL;
        UPDATE shares SET deleted_at = NEW.deleted_at
         WHERE event_id = NEW.id AND deleted_at IS NULL;
    ELSIF TG_TABLE_NAME = 'groups' THEN
        UPDATE event_groups SET deleted_at = NEW.deleted_at
         WHERE group_id = NEW.id AND deleted_at IS NULL;
        UPDATE shares SET deleted_at = NEW.deleted_at
         WHERE group_id = NEW.id AND deleted_at IS NULL;
    ELSE
        RAISE EXCEPTION 'cascade_tombstone() is not defined for table %', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_cascade_tombstone
    AFTER UPDATE OF deleted_at ON events
    FOR EACH ROW
    WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
    EXECUTE FUNCTION cascade_tombstone();

CREATE TRIGGER groups_cascade_tombstone
    AFTER UPDATE OF deleted_at ON groups
    FOR EACH ROW
    WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
    EXECUTE FUNCTION cascade_tombstone();

-- DOWN
DROP TRIGGER groups_cascade_tombstone ON groups;
DROP TRIGGER events_cascade_tombstone ON events;
DROP FUNCTION cascade_tombstone();
