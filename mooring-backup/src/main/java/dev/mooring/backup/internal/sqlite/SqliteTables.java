package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.internal.RowDigest;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.Dialects;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tables of one SQLite database (the main one or an attached one) and their content checksums. A row's
 * canonical bytes are, per column, a storage-class tag and the value (integers and reals as 8 bytes, text as
 * UTF-8, blobs as they are, each with its length), so a checksum changes when any value or its storage class
 * does. Stateless.
 */
public final class SqliteTables {
    /** A table as {@code PRAGMA table_list} shows it. */
    public record Table(String name, String type, boolean withoutRowid) {
        public boolean isVirtual() {
            return "virtual".equals(type);
        }
    }

    private SqliteTables() {
    }

    /**
     * The tables of {@code schema} ({@code main} or an attached name) whose rows a backup holds: ordinary and virtual
     * tables, not SQLite's own ({@code sqlite_*}) nor the shadow tables virtual tables keep their data in.
     */
    public static List<Table> list(Connection c, String schema) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA " + quote(schema) + ".table_list")) {
            while (rs.next()) {
                String name = rs.getString("name");
                String type = rs.getString("type");
                if (name.startsWith("sqlite_") || !("table".equals(type) || "virtual".equals(type))) {
                    continue;
                }
                tables.add(new Table(name, type, rs.getInt("wr") != 0));
            }
        }
        tables.sort((a, b) -> a.name().compareTo(b.name()));
        return tables;
    }

    /** Row counts and checksums of every table {@link #list} returns, in name order. */
    public static List<TableSummary> summarize(Connection c, String schema) throws SQLException {
        List<TableSummary> summaries = new ArrayList<>();
        for (Table table : list(c, schema)) {
            summaries.add(summarize(c, schema, table.name()));
        }
        return summaries;
    }

    /** The row count and checksum of one table. */
    public static TableSummary summarize(Connection c, String schema, String table) throws SQLException {
        RowDigest digest = new RowDigest();
        RowEncoder encoder = new RowEncoder();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + quote(schema) + "." + quote(table))) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                encoder.reset();
                for (int i = 1; i <= columns; i++) {
                    encoder.add(rs.getObject(i));
                }
                digest.add(encoder.bytes, 0, encoder.length);
            }
        }
        return new TableSummary(table, digest.rows(), digest.value());
    }

    /** Opens {@code file} read-only. */
    public static Connection openReadOnly(java.nio.file.Path file) throws SQLException {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    /** Opens (creating if missing) {@code file} for writing. */
    public static Connection openReadWrite(java.nio.file.Path file) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** Quotes an identifier for SQLite. */
    public static String quote(String identifier) {
        return Dialects.named("sqlite").quote(identifier);
    }

    /** Builds one row's canonical bytes in a reused buffer. */
    private static final class RowEncoder {
        byte[] bytes = new byte[256];
        int length;

        void reset() {
            length = 0;
        }

        void add(Object value) {
            if (value == null) {
                put((byte) 0);
            } else if (value instanceof Integer || value instanceof Long) {
                put((byte) 1);
                putLong(((Number) value).longValue());
            } else if (value instanceof Double || value instanceof Float) {
                put((byte) 2);
                putLong(Double.doubleToLongBits(((Number) value).doubleValue()));
            } else if (value instanceof byte[]) {
                put((byte) 4);
                putBytes((byte[]) value);
            } else {
                put((byte) 3);
                putBytes(value.toString().getBytes(StandardCharsets.UTF_8));
            }
        }

        private void put(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        private void putLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (v >>> shift);
            }
        }

        private void putBytes(byte[] value) {
            ensure(4 + value.length);
            int n = value.length;
            bytes[length++] = (byte) (n >>> 24);
            bytes[length++] = (byte) (n >>> 16);
            bytes[length++] = (byte) (n >>> 8);
            bytes[length++] = (byte) n;
            System.arraycopy(value, 0, bytes, length, n);
            length += n;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
