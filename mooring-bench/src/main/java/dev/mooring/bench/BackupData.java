package dev.mooring.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Generates the backup benchmark's databases: a multi-table PostgreSQL database of about {@code scale} GB in tables
 * of different widths and types, a one-table database of {@code scale} million rows, and a SQLite file.
 */
final class BackupData {
    private BackupData() {
    }

    /** Seven tables, about 1 GB of COPY text at scale 1. */
    static void multiTable(DataSource ds, double scale) throws SQLException {
        long n = Math.round(1_000_000 * scale);
        execute(ds, "CREATE EXTENSION IF NOT EXISTS pgcrypto",
                "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, created_at timestamptz)",
                "INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com', now() - g * interval '1 min'"
                        + " FROM generate_series(1, " + n + ") g",
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, total numeric(12,2),"
                        + " status text, placed_at timestamptz)",
                "INSERT INTO orders SELECT g, 1 + g % " + n + ", (g % 9973) / 7.0, (ARRAY['new','paid','sent'])[1 + g % 3],"
                        + " now() - g * interval '1 s' FROM generate_series(1, " + 2 * n + ") g",
                "CREATE TABLE events (id uuid PRIMARY KEY, kind text, payload jsonb)",
                "INSERT INTO events SELECT gen_random_uuid(), 'kind' || g % 17, jsonb_build_object('n', g, 'tags',"
                        + " jsonb_build_array('a', 'b', g % 5), 'note', md5(g::text)) FROM generate_series(1, " + n + ") g",
                "CREATE TABLE documents (id bigint PRIMARY KEY, title text, body text)",
                "INSERT INTO documents SELECT g, 'doc ' || g, repeat(md5(g::text), 6) FROM generate_series(1, " + n / 4 + ") g",
                "CREATE TABLE blobs (id bigint PRIMARY KEY, data bytea)",
                "INSERT INTO blobs SELECT g, decode(repeat(md5(g::text), 4), 'hex') FROM generate_series(1, " + n / 2 + ") g",
                "CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz, actor text, action text, detail text)",
                "INSERT INTO audit (at, actor, action, detail) SELECT now(), 'user' || g % 1000, 'update',"
                        + " md5(g::text) || md5((g + 1)::text) FROM generate_series(1, " + n + ") g",
                "CREATE TABLE tags (id int PRIMARY KEY, name text UNIQUE)",
                "INSERT INTO tags SELECT g, 'tag' || g FROM generate_series(1, 1000) g",
                "CREATE INDEX orders_customer ON orders (customer_id)",
                "VACUUM ANALYZE");
    }

    /** One table of {@code scale} million rows. */
    static void singleTable(DataSource ds, double scale) throws SQLException {
        long n = Math.round(1_000_000 * scale);
        execute(ds, "CREATE TABLE readings (id bigint PRIMARY KEY, sensor text, value double precision,"
                        + " quality int, taken_at timestamptz, note text)",
                "INSERT INTO readings SELECT g, 'sensor-' || g % 500, g * 0.37, g % 100, now() - g * interval '1 s',"
                        + " md5(g::text) FROM generate_series(1, " + n + ") g",
                "VACUUM ANALYZE");
    }

    /** A SQLite file of a few hundred MB at scale 1. */
    static void sqlite(Path file, double scale) throws SQLException {
        long n = Math.round(2_000_000 * scale);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT, score REAL, data BLOB)");
            s.execute("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < " + n + ")"
                    + " INSERT INTO notes SELECT i, 'note ' || i, hex(randomblob(40)), i * 0.5, randomblob(32) FROM g");
            s.execute("CREATE INDEX notes_title ON notes (title)");
        }
    }

    private static void execute(DataSource ds, String... statements) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
