package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.internal.StatementText;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks the statements a SQLite backup's schema holds, which {@link SqliteRestore} runs in the target: each must be
 * one {@code CREATE} of the object its schema row describes, as SQLite writes it for a database's own objects. SQLite
 * already refuses rows with several statements or a mismatched type when it opens the file; it accepts objects of the
 * TEMP schema there, which no backup of a database holds and which a restore would create in its own connection, so
 * those are refused here, as is any other mismatch. Stateless.
 */
final class SqliteSchemaCheck {
    private SqliteSchemaCheck() {
    }

    /** One line per schema statement that is not what a backup of a database holds; empty when all are. */
    static List<String> problems(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT type, name, sql FROM main.sqlite_schema"
                + " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")) {
            while (rs.next()) {
                String why = problem(rs.getString(1), rs.getString(2), rs.getString(3));
                if (why != null) {
                    problems.add("schema: the " + rs.getString(1) + " " + rs.getString(2) + " is created by "
                            + StatementText.quoted(rs.getString(3)) + ", " + why + "; a restore would run it");
                }
            }
        }
        return problems;
    }

    /** Why {@code sql} is not the statement that creates the {@code type} {@code name}, or {@code null} if it is. */
    private static String problem(String type, String name, String sql) {
        try {
            if (SqlSplitter.split(sql, SqlSyntax.SQLITE).size() != 1) {
                return "which is not one statement";
            }
        } catch (MooringException e) {
            return "which leaves a quote or comment open";
        }
        SqlLexer lexer = SqlLexer.lenient(sql, SqlSyntax.SQLITE);
        if (lexer.nextCode() == null || !lexer.isWord("create")) {
            return "which is not a CREATE statement";
        }
        lexer.nextCode();
        if (lexer.isWord("temp") || lexer.isWord("temporary")) {
            return "which creates a TEMP object, never part of a database's backup";
        }
        boolean kind = switch (type) {
            case "table" -> lexer.isWord("table") || lexer.isWord("virtual") && lexer.nextCode() != null
                    && lexer.isWord("table");
            case "index" -> lexer.isWord("index") || lexer.isWord("unique") && lexer.nextCode() != null
                    && lexer.isWord("index");
            case "view", "trigger" -> lexer.isWord(type);
            default -> false;
        };
        if (!kind) {
            return "which does not create a " + type;
        }
        lexer.nextCode();
        if (lexer.isWord("if")) {
            lexer.nextCode();
            lexer.nextCode();
            lexer.nextCode();
        }
        String created = lexer.type() == TokenType.QUOTED_IDENTIFIER ? SqlLexer.unquote(lexer.tokenText())
                : lexer.type() == TokenType.WORD || lexer.type() == TokenType.STRING ? lexer.tokenText().replace("'", "")
                : "";
        lexer.nextCode();
        if (lexer.isSymbol('.') || !created.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
            return "which creates another object than the one it is recorded as";
        }
        return null;
    }
}
