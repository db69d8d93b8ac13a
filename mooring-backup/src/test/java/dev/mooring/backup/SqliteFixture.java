package dev.mooring.backup;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** A SQLite database with one of every kind of object a client database has, and awkward values in every table. */
final class SqliteFixture {
    static final int NOTES = 500;

    private SqliteFixture() {
    }

    static void create(DatabaseUrl url) throws SQLException {
        Migrator.create(url.toDataSource(), MigrationConfig.of("classpath:db/sqlite-fixture")).migrate();
        try (Connection c = url.toDataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes (id, body, score, data) VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= NOTES; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, i % 7 == 0 ? null : "note " + i + " \u00e9\u6f22\t'quoted'\n\"double\" \\ end");
                    if (i % 5 == 0) {
                        ps.setNull(3, java.sql.Types.REAL);
                    } else {
                        ps.setDouble(3, i / 3.0);
                    }
                    ps.setBytes(4, i % 3 == 0 ? null : new byte[]{0, (byte) i, (byte) 0xFF, 10, 13});
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO tags SELECT id, 'tag' || (id % 4) FROM notes WHERE id % 2 = 0");
                s.execute("INSERT INTO counters (name) SELECT 'c' || id FROM notes WHERE id <= 20");
                s.execute("DELETE FROM counters WHERE id > 15"); // the sequence stays at 20
                s.execute("INSERT INTO kv (k, v) SELECT 'k' || id, id FROM notes WHERE id <= 50");
                s.execute("DELETE FROM kv WHERE v % 10 = 0"); // rowid gaps that a restore must keep
                s.execute("INSERT INTO kv (k, v) VALUES ('text in an integer column', 'abc'), (NULL, NULL)");
                s.execute("INSERT INTO docs (title, body) VALUES ('Harbour', 'the lighthouse at night'),"
                        + " ('Moorings', 'ropes and cleats')");
                s.execute("UPDATE notes SET body = 'edited' WHERE id IN (2, 3)");
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("PRAGMA user_version = 7");
            }
        }
    }
}
