package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * A {@linkplain BackupStore#createNew(String) write that must not replace} found an object of its name: nothing was
 * published and the existing object is unchanged.
 */
public final class ObjectExistsException extends MooringException {
    private static final long serialVersionUID = 1L;

    private final String name;

    ObjectExistsException(String name, String description, Throwable cause) {
        super(ErrorCode.IO, "refusing to overwrite " + description + ": it already exists", cause);
        this.name = name;
    }

    /** The object's name in its store. */
    public String name() {
        return name;
    }
}
