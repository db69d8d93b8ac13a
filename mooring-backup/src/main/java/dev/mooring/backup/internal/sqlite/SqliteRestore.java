package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.internal.sqlite.SqliteTables.Table;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Restores a SQLite backup (a plain database file) into a target database in one transaction: the backup is
 * attached, the target's tables are dropped when {@code clean}, and the schema and rows are copied (rowids kept,
 * triggers created after the rows so they do not fire). Any failure rolls everything back, so the target is either
 * fully restored or exactly as it was. Single use, not thread-safe.
 */
public final class SqliteRestore {
    private static final String SOURCE = "mooring_backup";

    private final Connection target;
    private final BackupProgress progress;

    public SqliteRestore(Connection target, BackupProgress progress) {
        this.target = target;
        this.progress = progress;
    }

    /** Restores {@code backup} and returns the restored tables, read back from the target inside the transaction. */
    public List<TableSummary> restore(Path backup, boolean clean) {
        try (Statement s = target.createStatement()) {
            // Rows arrive table by table; constraints are checked against the whole copy afterwards.
            s.execute("PRAGMA foreign_keys = OFF");
            try (PreparedStatement attach = target.prepareStatement("ATTACH DATABASE ? AS " + SOURCE)) {
                attach.setString(1, backup.toString());
                attach.execute();
            }
            try {
                s.execute("BEGIN IMMEDIATE");
                try {
                    List<TableSummary> restored = copy(s, clean);
                    s.execute("COMMIT");
                    return restored;
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            } finally {
                s.execute("DETACH DATABASE " + SOURCE);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "The restore failed and was rolled back, the target is"
                    + " unchanged: " + e.getMessage(), e);
        }
    }

    private List<TableSummary> copy(Statement s, boolean clean) throws SQLException {
        List<Table> existing = SqliteTables.list(target, "main");
        List<SchemaObject> existingOther = viewsAndTriggers();
        if (!clean && (!existing.isEmpty() || !existingOther.isEmpty())) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "The target database is not empty (it has "
                    + describe(existing, existingOther) + "). Restore into a new file, or use --clean to replace"
                    + " its tables with the backup's.");
        }
        if (clean) {
            drop(s, existing, existingOther);
        }
        List<Table> tables = SqliteTables.list(target, SOURCE);
        runSchema(s, "type = 'table'", tables);
        List<TableSummary> restored = new ArrayList<>();
        for (Table table : tables) {
            copyRows(s, table);
            TableSummary summary = SqliteTables.summarize(target, "main", table.name());
            restored.add(summary);
            progress.tableDone(summary);
        }
        copySequencesAndHeader(s);
        runSchema(s, "type IN ('index', 'view', 'trigger')", tables);
        return restored;
    }

    private void drop(Statement s, List<Table> tables, List<SchemaObject> viewsAndTriggers) throws SQLException {
        for (SchemaObject object : viewsAndTriggers) {
            s.execute(object.drop());
        }
        for (Table table : tables) {
            s.execute("DROP TABLE main." + SqliteTables.quote(table.name()));
        }
        if (hasSequenceTable("main")) {
            s.execute("DELETE FROM main.sqlite_sequence");
        }
    }

    /** A view or trigger of the target, to describe and to drop. */
    private record SchemaObject(String type, String name) {
        String drop() {
            return "DROP " + type.toUpperCase(java.util.Locale.ROOT) + " IF EXISTS main." + SqliteTables.quote(name);
        }
    }

    private List<SchemaObject> viewsAndTriggers() throws SQLException {
        List<SchemaObject> objects = new ArrayList<>();
        try (Statement q = target.createStatement();
             ResultSet rs = q.executeQuery("SELECT type, name FROM main.sqlite_schema WHERE type IN ('view', 'trigger')"
                     + " ORDER BY type DESC")) {
            while (rs.next()) {
                objects.add(new SchemaObject(rs.getString(1), rs.getString(2)));
            }
        }
        return objects;
    }

    private boolean hasSequenceTable(String schema) throws SQLException {
        try (Statement q = target.createStatement();
             ResultSet rs = q.executeQuery("SELECT 1 FROM " + schema + ".sqlite_schema WHERE name = 'sqlite_sequence'")) {
            return rs.next();
        }
    }

    private void runSchema(Statement s, String where, List<Table> tables) throws SQLException {
        List<String> names = tables.stream().map(Table::name).toList();
        List<String> ddl = new ArrayList<>();
        try (Statement q = target.createStatement();
             ResultSet rs = q.executeQuery("SELECT type, name, sql FROM " + SOURCE + ".sqlite_schema WHERE " + where
                     + " AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")) {
            while (rs.next()) {
                // Shadow tables of virtual tables are created by their CREATE VIRTUAL TABLE, not by hand.
                if ("table".equals(rs.getString(1)) && !names.contains(rs.getString(2))) {
                    continue;
                }
                ddl.add(rs.getString(3));
            }
        }
        for (String statement : ddl) {
            s.execute(statement);
        }
    }

    private void copyRows(Statement s, Table table) throws SQLException {
        List<String> columns = insertableColumns(table);
        boolean keepRowid = !table.isVirtual() && !table.withoutRowid() && !hasRowidAlias(table)
                && columns.stream().noneMatch(c -> c.equalsIgnoreCase("\"rowid\""));
        StringJoiner list = new StringJoiner(", ");
        if (keepRowid) {
            list.add("rowid");
        }
        columns.forEach(list::add);
        String name = SqliteTables.quote(table.name());
        s.execute("INSERT INTO main." + name + " (" + list + ") SELECT " + list + " FROM " + SOURCE + "." + name);
    }

    private List<String> insertableColumns(Table table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement q = target.createStatement();
             ResultSet rs = q.executeQuery("PRAGMA " + SOURCE + ".table_xinfo(" + SqliteTables.quote(table.name()) + ")")) {
            while (rs.next()) {
                // hidden 2 and 3 are generated columns, which are computed, not stored by INSERT.
                if (rs.getInt("hidden") == 0) {
                    columns.add(SqliteTables.quote(rs.getString("name")));
                }
            }
        }
        return columns;
    }

    private boolean hasRowidAlias(Table table) throws SQLException {
        int keyColumns = 0;
        boolean integerKey = false;
        try (Statement q = target.createStatement();
             ResultSet rs = q.executeQuery("PRAGMA " + SOURCE + ".table_info(" + SqliteTables.quote(table.name()) + ")")) {
            while (rs.next()) {
                if (rs.getInt("pk") > 0) {
                    keyColumns++;
                    integerKey = "INTEGER".equalsIgnoreCase(rs.getString("type").strip());
                }
            }
        }
        return keyColumns == 1 && integerKey;
    }

    private void copySequencesAndHeader(Statement s) throws SQLException {
        if (hasSequenceTable(SOURCE) && hasSequenceTable("main")) {
            s.execute("DELETE FROM main.sqlite_sequence");
            s.execute("INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM " + SOURCE + ".sqlite_sequence");
        }
        for (String pragma : List.of("user_version", "application_id")) {
            long value;
            try (Statement q = target.createStatement(); ResultSet rs = q.executeQuery("PRAGMA " + SOURCE + "." + pragma)) {
                value = rs.next() ? rs.getLong(1) : 0;
            }
            s.execute("PRAGMA main." + pragma + " = " + value);
        }
    }

    private static String describe(List<Table> tables, List<SchemaObject> others) {
        List<String> names = new ArrayList<>(tables.stream().map(t -> "table " + t.name()).toList());
        others.forEach(o -> names.add(o.type() + " " + o.name()));
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + " and "
                + (names.size() - 5) + " more";
    }
}
