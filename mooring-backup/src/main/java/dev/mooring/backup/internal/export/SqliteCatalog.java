package dev.mooring.backup.internal.export;

import dev.mooring.migrate.MigrationConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the user tables of the {@code main} database, their columns, primary keys and foreign keys through the
 * pragma table functions, with table names bound as parameters. Virtual tables and their shadow tables,
 * SQLite's {@code sqlite_%} tables and the migration history table are left out. SQLite matches names ignoring
 * case, so a foreign key's parent is resolved that way. Stateless.
 */
final class SqliteCatalog {
    private static final String TABLES = """
            SELECT name FROM pragma_table_list
            WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND lower(name) <> lower(?)
            ORDER BY name
            """;
    private static final String COLUMNS = "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid";
    private static final String FOREIGN_KEYS = """
            SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq
            """;

    private SqliteCatalog() {
    }

    static SchemaModel read(Connection connection) throws SQLException {
        List<Table> tables = new ArrayList<>();
        for (String name : tableNames(connection)) {
            tables.add(table(connection, name));
        }
        List<ForeignKey> foreignKeys = new ArrayList<>();
        for (Table table : tables) {
            foreignKeys.addAll(foreignKeys(connection, table, tables));
        }
        return new SchemaModel(tables, foreignKeys, true);
    }

    private static List<String> tableNames(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(TABLES)) {
            ps.setString(1, MigrationConfig.DEFAULT_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static Table table(Connection connection, String name) throws SQLException {
        List<Column> columns = new ArrayList<>();
        Map<Integer, String> key = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                    if (rs.getInt(3) > 0) {
                        key.put(rs.getInt(3), rs.getString(1));
                    }
                }
            }
        }
        return new Table(new TableRef(null, name), columns, List.copyOf(key.values()));
    }

    private static List<ForeignKey> foreignKeys(Connection connection, Table child, List<Table> tables) throws SQLException {
        Map<Integer, ForeignKeyRows> byId = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(FOREIGN_KEYS)) {
            ps.setString(1, child.ref().name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ForeignKeyRows fk = byId.computeIfAbsent(rs.getInt(1), id -> new ForeignKeyRows());
                    fk.parentName = rs.getString(2);
                    fk.from.add(rs.getString(3));
                    fk.to.add(rs.getString(4));
                }
            }
        }
        List<ForeignKey> out = new ArrayList<>();
        for (ForeignKeyRows rows : byId.values()) {
            Table parent = tables.stream().filter(t -> t.ref().name().equalsIgnoreCase(rows.parentName)).findFirst().orElse(null);
            if (parent != null) {
                out.add(new ForeignKey(child.ref(), rows.from, parent.ref(), parentColumns(rows.to, parent)));
            }
        }
        return out;
    }

    /** A key declared as {@code REFERENCES parent} without columns references the parent's primary key. */
    private static List<String> parentColumns(List<String> to, Table parent) {
        if (to.stream().allMatch(java.util.Objects::isNull)) {
            return parent.primaryKey().isEmpty() ? List.of("rowid") : parent.primaryKey();
        }
        return to;
    }

    /** The pragma's rows of one foreign key, gathered before they are checked. */
    private static final class ForeignKeyRows {
        String parentName;
        final List<String> from = new ArrayList<>();
        final List<String> to = new ArrayList<>();
    }
}
