package dev.mooring.core.sql;

import java.util.List;

/**
 * Splits a SQL script into statements. Placeholder: the real lexer is being written.
 */
public final class SqlSplitter {
    private SqlSplitter() {
    }

    /** Splits {@code script} into its statements, in order, following {@code syntax}'s lexical rules. */
    public static List<SqlStatement> split(String script, SqlSyntax syntax) {
        throw new UnsupportedOperationException("not yet written");
    }
}
