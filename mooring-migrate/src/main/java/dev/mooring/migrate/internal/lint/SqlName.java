package dev.mooring.migrate.internal.lint;

import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.Locale;

/**
 * A table or column name as written ({@code display}, for messages) and as the database resolves it
 * ({@code key}, for tracking). PostgreSQL folds unquoted names to lower case and keeps quoted ones exact; SQLite
 * compares names ignoring case either way. The key is the last part only: the search path is not known at lint
 * time, so {@code app.events} and {@code events} are taken to be the same table.
 */
record SqlName(String display, String key) {

    /** The key of one name token: its text without quotes, folded the way {@code syntax} folds it. */
    static String key(TokenType type, String text, SqlSyntax syntax) {
        String name = type == TokenType.QUOTED_IDENTIFIER ? SqlLexer.unquote(text) : text;
        boolean fold = type != TokenType.QUOTED_IDENTIFIER || syntax == SqlSyntax.SQLITE;
        return fold ? name.toLowerCase(Locale.ROOT) : name;
    }

    @Override
    public String toString() {
        return display;
    }
}
