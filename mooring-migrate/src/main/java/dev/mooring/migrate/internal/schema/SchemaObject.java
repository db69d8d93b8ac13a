package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.SchemaDifference.ObjectType;

import java.util.Objects;

/**
 * One object of a {@link SchemaSnapshot}: a table, a column, an index and so on, with a normalized,
 * human-readable description. Two objects with the same type and name are the same object; if their
 * descriptions differ, it has changed. Immutable.
 *
 * @param type        what kind of object it is
 * @param name        its name, unique among objects of its type (see {@link dev.mooring.migrate.SchemaDifference#name()})
 * @param table       the table or view it belongs to (its own name for a table), or {@code null} for objects
 *                    that belong to no table; used to leave out ignored tables and to report a missing table
 *                    once rather than once per column
 * @param description its normalized definition; never empty
 */
public record SchemaObject(ObjectType type, String name, String table, String description) {
    public SchemaObject {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (description.isEmpty()) {
            throw new IllegalArgumentException("empty description for " + type.label() + " " + name);
        }
    }

    /** Whether this object is a table or view, the things other objects belong to. */
    boolean isRelation() {
        return type == ObjectType.TABLE || type == ObjectType.VIEW;
    }
}
