package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncedTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real shape of every synced table, read from PostgreSQL's catalog: what requests are checked against, so a
 * table or column name from a request reaches SQL only if it names something that exists, and then quoted.
 * Immutable and thread-safe once read; read it again after a migration.
 */
public final class TableCatalog {
    /** A synced table as it exists: its sync rules, its quoted SQL name, and its columns with their types. */
    public record Table(SyncedTable sync, String sqlName, Map<String, String> columns) {
        public boolean hasColumn(String column) {
            return columns.containsKey(column);
        }
    }

    private final Map<String, Table> tables;
    private final Map<String, TableAccess> access;

    private TableCatalog(Map<String, Table> tables, Map<String, TableAccess> access) {
        this.tables = tables;
        this.access = access;
    }

    /** The compiled sharing rules of an owned synced table (empty for public-read tables). */
    public Optional<TableAccess> access(String name) {
        return Optional.ofNullable(access.get(name));
    }

    /** Every owned table's compiled rules, in configuration order. */
    public List<TableAccess> accessRules() {
        return List.copyOf(access.values());
    }

    /** Whether any table is seen by users other than its owners. */
    public boolean sharing() {
        return access.values().stream().anyMatch(TableAccess::shared);
    }

    /**
     * Reads the synced tables' columns and checks that each can sync: it exists, has a primary key {@code id} of type
     * uuid or text, a {@code deleted_at} timestamp for tombstones, and its owner column. Every problem of every table
     * is reported at once, each with the statement that fixes it.
     */
    public static TableCatalog read(Connection c, SyncConfig config) throws SQLException {
        Map<String, Table> tables = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (SyncedTable sync : config.tables()) {
            String schema = sync.name().contains(".") ? sync.name().substring(0, sync.name().indexOf('.')) : null;
            String name = sync.name().substring(sync.name().indexOf('.') + 1);
            Map<String, String> columns = columns(c, schema, name);
            if (columns.isEmpty()) {
                problems.add("table " + sync.name() + " does not exist" + (schema == null ? " in the search path" : ""));
                continue;
            }
            String sqlName = (schema == null ? "" : quote(schema) + ".") + quote(name);
            check(sync, columns, sqlName, problems);
            tables.put(sync.name(), new Table(sync, sqlName, java.util.Collections.unmodifiableMap(columns)));
        }
        Map<String, TableAccess> access = new LinkedHashMap<>();
        if (problems.isEmpty()) {
            int order = 0;
            for (Table table : tables.values()) {
                if (table.sync().ownerColumn() != null) {
                    TableAccess compiled = TableAccess.compile(c, table, order, name -> {
                        String schema = name.contains(".") ? name.substring(0, name.indexOf('.')) : null;
                        return columns(c, schema, name.substring(name.indexOf('.') + 1));
                    }, tables, problems);
                    if (compiled != null) {
                        access.put(table.sync().name(), compiled);
                    }
                }
                order++;
            }
        }
        if (!problems.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "These synced tables cannot sync yet:\n  - "
                    + String.join("\n  - ", problems));
        }
        return new TableCatalog(java.util.Collections.unmodifiableMap(tables), java.util.Collections.unmodifiableMap(access));
    }

    private static void check(SyncedTable sync, Map<String, String> columns, String sqlName, List<String> problems) {
        String idType = columns.get("id");
        if (idType == null) {
            problems.add("table " + sync.name() + " has no column id: synced rows need a client-generated primary key"
                    + " (ALTER TABLE " + sqlName + " ADD COLUMN id uuid PRIMARY KEY DEFAULT gen_random_uuid())");
        } else if (!idType.equals("uuid") && !idType.equals("text") && !idType.startsWith("character varying")) {
            problems.add("table " + sync.name() + ": column id is " + idType + "; clients generate ids offline, so it"
                    + " must be uuid or text (a serial number would be renumbered on sync)");
        }
        if (!"timestamp with time zone".equals(columns.get("deleted_at"))) {
            problems.add("table " + sync.name() + (columns.containsKey("deleted_at")
                    ? ": column deleted_at is " + columns.get("deleted_at") + ", it must be timestamptz"
                    : " has no tombstone column (ALTER TABLE " + sqlName + " ADD COLUMN deleted_at timestamptz)"));
        }
        if (sync.ownerColumn() != null && !columns.containsKey(sync.ownerColumn())) {
            problems.add("table " + sync.name() + " has no owner column " + sync.ownerColumn() + ": name the column"
                    + " holding the owning user's id (owner: …), or declare the table public-read");
        }
    }

    /** Column names and types ({@code format_type}) of a table, in order; empty when it does not exist. */
    private static Map<String, String> columns(Connection c, String schema, String table) throws SQLException {
        String sql = """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                  FROM pg_attribute a
                  JOIN pg_class t ON t.oid = a.attrelid
                 WHERE t.oid = to_regclass(?)
                   AND t.relkind IN ('r', 'p')
                   AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum
                """;
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, (schema == null ? "" : quote(schema) + ".") + quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    /** The synced table a client names, if it is one. */
    public Optional<Table> table(String name) {
        return Optional.ofNullable(name == null ? null : tables.get(name));
    }

    public List<Table> tables() {
        return List.copyOf(tables.values());
    }

    /** Quotes an identifier for PostgreSQL. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
