package dev.mooring.backup.internal.postgres;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link PsqlScriptRunner} ran.
 *
 * @param statements  the number of SQL statements executed, {@code COPY} statements included
 * @param rowsByTable the data rows sent per {@code COPY} target, named as written in the script
 *                    ({@code public.t}, {@code public."Odd Name"}), in the order the script first copies them;
 *                    a target copied twice counts both blocks. Unmodifiable.
 * @param complete    whether the script ended with a completion marker ({@code -- mooring:dump-complete} or
 *                    pg_dump's {@code -- PostgreSQL database dump complete}) with no statement after it; false
 *                    means the dump may have been cut short even though every statement in it ran
 */
public record ScriptResult(long statements, Map<String, Long> rowsByTable, boolean complete) {
    public ScriptResult {
        if (statements < 0) {
            throw new IllegalArgumentException("statements must be >= 0, was " + statements);
        }
        rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(rowsByTable, "rowsByTable")));
    }

    /** All data rows copied, over every table. */
    public long totalRows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
