package dev.mooring.migrate;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * A statement of a migration failed. The message names the file, the line, the statement and the database's
 * own message; the migration was rolled back (or, outside a transaction, recorded as failed).
 */
public class MigrationFailedException extends MooringException {
    private static final long serialVersionUID = 1L;

    private final String script;
    private final int line;
    private final String sqlState;

    public MigrationFailedException(String message, String script, int line, String sqlState, Throwable cause) {
        super(ErrorCode.MIGRATION_FAILED, message, cause);
        this.script = script;
        this.line = line;
        this.sqlState = sqlState;
    }

    /** The file whose statement failed. */
    public String script() {
        return script;
    }

    /** The 1-based line in that file where the failing statement starts. */
    public int line() {
        return line;
    }

    /** The database's SQLSTATE, when it gave one. */
    public String sqlState() {
        return sqlState;
    }
}
