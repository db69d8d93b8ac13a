package dev.mooring.backup.internal.postgres;

import dev.mooring.testing.PostgresDatabaseExtension;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers around one test database: restore a script the way a caller would (autocommit off, commit on
 * success, roll back on failure) and read results back over a separate connection.
 */
final class ScriptDatabase {
    private final PostgresDatabaseExtension db;

    ScriptDatabase(PostgresDatabaseExtension db) {
        this.db = db;
    }

    static InputStream utf8(String script) {
        return new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8));
    }

    ScriptResult restore(String script, boolean clean) throws SQLException {
        return restore(utf8(script), clean, ScriptProgress.NONE);
    }

    /** Runs the script in one transaction: committed if it succeeds, rolled back if it throws. */
    ScriptResult restore(InputStream script, boolean clean, ScriptProgress progress) throws SQLException {
        try (Connection conn = db.connect()) {
            conn.setAutoCommit(false);
            try {
                ScriptResult result = PsqlScriptRunner.run(conn, script, clean, progress);
                conn.commit();
                return result;
            } catch (RuntimeException e) {
                conn.rollback();
                throw e;
            }
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection conn = db.connect(); Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    /** The rows of {@code sql}, each row's columns joined by {@code |}, SQL NULL as {@code null}. */
    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection conn = db.connect(); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    String value(String sql) throws SQLException {
        List<String> rows = rows(sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    boolean tableExists(String qualifiedName) throws SQLException {
        return value("SELECT to_regclass('" + qualifiedName.replace("'", "''") + "') IS NOT NULL").equals("t");
    }
}
