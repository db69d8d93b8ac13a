package dev.mooring.sync.client.internal;

/** SQLite identifier quoting for names already checked against the real schema. Stateless. */
final class Sql {
    private Sql() {
    }

    /** {@code name} as a double-quoted SQLite identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code text} as a single-quoted SQLite string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
