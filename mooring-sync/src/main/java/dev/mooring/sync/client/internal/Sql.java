package dev.mooring.sync.client.internal;

import dev.mooring.core.Dialects;
import dev.mooring.core.spi.Dialect;

/** SQLite quoting for names already checked against the real schema, and for literals in generated triggers. */
final class Sql {
    private static final Dialect SQLITE = Dialects.named("sqlite");

    private Sql() {
    }

    /** {@code name} as a SQLite identifier, quoted by the dialect. */
    static String quote(String name) {
        return SQLITE.quote(name);
    }

    /** {@code text} as a single-quoted SQLite string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
