package dev.mooring.migrate;

import java.util.Locale;
import java.util.Objects;

/**
 * One way in which a live database schema differs from the schema its migrations produce, as found by the
 * drift check. {@code expected} describes the object as the migrations create it, {@code actual} as the live
 * database has it; each is {@code null} where the object is absent. The descriptions are meant for people:
 * they are normalized (white space collapsed, no OIDs) so that equal objects have equal descriptions, but
 * their exact wording may change between releases. Immutable.
 *
 * @param objectType what kind of object differs
 * @param name       the object's name; columns, constraints and triggers are prefixed with their table
 *                   ({@code events.title}); objects outside the default schema carry their schema
 *                   ({@code app.events}); functions carry their argument types ({@code touch(integer)})
 * @param kind       whether the object is missing from the live database, unexpected in it, or changed
 * @param expected   the object as the migrations create it, or {@code null} when {@code kind} is
 *                   {@link Kind#UNEXPECTED}
 * @param actual     the object as the live database has it, or {@code null} when {@code kind} is
 *                   {@link Kind#MISSING}
 */
public record SchemaDifference(ObjectType objectType, String name, Kind kind, String expected, String actual) {

    /** The kinds of schema object the drift check compares. */
    public enum ObjectType {
        TABLE, COLUMN, INDEX, CONSTRAINT, VIEW, SEQUENCE, TYPE, FUNCTION, TRIGGER, EXTENSION;

        /** The lower-case word used in descriptions: {@code column}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How an object differs. */
    public enum Kind {
        /** The migrations create it; the live database lacks it. */
        MISSING,
        /** The live database has it; the migrations do not create it. */
        UNEXPECTED,
        /** Both have it, with different definitions. */
        CHANGED
    }

    public SchemaDifference {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        boolean consistent = switch (kind) {
            case MISSING -> expected != null && actual == null;
            case UNEXPECTED -> expected == null && actual != null;
            case CHANGED -> expected != null && actual != null;
        };
        if (!consistent) {
            throw new IllegalArgumentException("a " + kind + " difference needs "
                    + (kind == Kind.MISSING ? "expected and no actual" : kind == Kind.UNEXPECTED
                    ? "actual and no expected" : "both expected and actual") + " description: " + name);
        }
    }

    /**
     * One line for people, e.g. {@code column events.note: unexpected (text, nullable)} or
     * {@code index events_title_idx: changed — expected CREATE INDEX …, live CREATE INDEX …}.
     */
    public String describe() {
        String subject = objectType.label() + " " + name + ": ";
        return switch (kind) {
            case MISSING -> subject + "missing" + detail(expected);
            case UNEXPECTED -> subject + "unexpected" + detail(actual);
            case CHANGED -> subject + "changed — expected " + expected + ", live " + actual;
        };
    }

    private String detail(String description) {
        // A plain table is described as just "table"; repeating that word says nothing.
        return description.equals(objectType.label()) ? "" : " (" + description + ")";
    }
}
