package dev.mooring.migrate;

import java.util.List;
import java.util.Objects;

/**
 * The result of a drift check: how the live database schema differs from the schema its migrations produce
 * on a scratch database. An empty list means no drift. The differences are in a stable order (by object
 * type, then name), so two reports of the same drift are equal and print the same way. Mooring's own
 * bookkeeping (the migration history table, the {@code mooring} schema on PostgreSQL) is never part of it.
 * Immutable.
 *
 * @param differences every difference found, in a stable order
 */
public record DriftReport(List<SchemaDifference> differences) {

    public DriftReport {
        differences = List.copyOf(Objects.requireNonNull(differences, "differences"));
    }

    /** Whether the live schema differs from the expected one in any way. */
    public boolean hasDrift() {
        return !differences.isEmpty();
    }

    /** How many differences are of {@code kind}. */
    public int count(SchemaDifference.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        return (int) differences.stream().filter(d -> d.kind() == kind).count();
    }

    /** One line for people: {@code no drift}, or e.g. {@code 3 differences: 1 missing, 1 unexpected, 1 changed}. */
    public String summary() {
        if (!hasDrift()) {
            return "no drift";
        }
        int n = differences.size();
        return n + (n == 1 ? " difference: " : " differences: ")
                + count(SchemaDifference.Kind.MISSING) + " missing, "
                + count(SchemaDifference.Kind.UNEXPECTED) + " unexpected, "
                + count(SchemaDifference.Kind.CHANGED) + " changed";
    }
}
