-- Description: Tombstone links and shares when their event or group is tombstoned
-- UP

-- Mirrors the server's cascade_tombstone() triggers: same rows, same deleted_at value,
-- so a deletion made offline and the server's own cascade agree.
CREATE TRIGGER events_cascade_tombstone
AFTER UPDATE OF deleted_at ON events
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE event_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER groups_cascade_tombstone
AFTER UPDATE OF deleted_at ON groups
FOR EACH ROW
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE event_groups SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
    UPDATE shares SET deleted_at = NEW.deleted_at
     WHERE group_id = NEW.id AND deleted_at IS NULL;
END;

-- DOWN
DROP TRIGGER groups_cascade_tombstone;
DROP TRIGGER events_cascade_tombstone;
