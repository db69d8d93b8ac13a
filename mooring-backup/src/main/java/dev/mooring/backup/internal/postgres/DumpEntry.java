package dev.mooring.backup.internal.postgres;

import java.util.List;
import java.util.Objects;

/**
 * One statement (or a few that belong together) of a dump script.
 *
 * @param kind  what it creates, which decides its section
 * @param label how messages and ordering name it, e.g. {@code table public.film}
 * @param sql   the statement text, ending with a semicolon
 * @param owns  the catalog objects it creates; dependencies on these order it
 */
record DumpEntry(EntryKind kind, String label, String sql, List<ObjectRef> owns) {
    DumpEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(sql, "sql");
        owns = List.copyOf(owns);
    }
}
