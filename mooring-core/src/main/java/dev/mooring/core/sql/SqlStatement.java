package dev.mooring.core.sql;

import java.util.Objects;

/**
 * One statement of a script, without its terminating semicolon, with the 1-based line of the script on
 * which it starts (so an error can point at the right line of the file).
 */
public record SqlStatement(String sql, int line) {
    public SqlStatement {
        Objects.requireNonNull(sql, "sql");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, was " + line);
        }
    }
}
