package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.internal.RowDigest;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.Dialects;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables of one SQLite database (the main one or an attached one) and their content checksums. Stateless.
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

    /**
     * Row counts of every table {@link #list} returns, in name order, without checksums: {@code count(*)} walks the
     * smallest index of each table, so this takes milliseconds where checksums read every row.
     */
    public static List<TableSummary> count(Connection c, String schema) throws SQLException {
        List<TableSummary> counts = new ArrayList<>();
        for (Table table : list(c, schema)) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(schema) + "." + quote(table.name()))) {
                rs.next();
                counts.add(new TableSummary(table.name(), rs.getLong(1), null));
            }
        }
        return counts;
    }

    /**
     * The row count and checksum of one table. Each row is read as one value: SQLite renders every column with
     * {@code quote()} (text quoted, blobs as hex, reals with enough digits to round-trip, NULL as NULL) and joins
     * them, so the storage class of every value is part of the checksum and the driver is called once per row
     * rather than once per column.
     */
    public static TableSummary summarize(Connection c, String schema, String table) throws SQLException {
        RowDigest digest = new RowDigest();
        String row = columns(c, schema, table).stream().map(col -> "quote(" + quote(col) + ")")
                .reduce((a, b) -> a + " || char(31) || " + b).orElse("''");
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + row + " FROM " + quote(schema) + "." + quote(table))) {
            while (rs.next()) {
                byte[] bytes = rs.getBytes(1);
                digest.add(bytes == null ? new byte[0] : bytes);
            }
        }
        return new TableSummary(table, digest.rows(), digest.value());
    }

    /** The stored columns of a table, in order; generated and hidden columns are left out. */
    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA " + quote(schema) + ".table_xinfo(" + quote(table) + ")")) {
            while (rs.next()) {
                if (rs.getInt("hidden") == 0) {
                    columns.add(rs.getString("name"));
                }
            }
        }
        return columns;
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
}
