package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and writes the migration history table ({@code schema_version} by default, optionally
 * schema-qualified). The name is checked once, here, and quoted by the dialect wherever it is used. Each method
 * runs on the connection it is given and leaves transaction control to the caller. Thread-safe (stateless
 * beyond its name).
 */
public final class HistoryTable {
    /** The columns, in order, with their logical types; each dialect spells the types (see {@link DatabaseOps#sqlType}). */
    private static final List<Column> COLUMNS = List.of(
            new Column("installed_rank", ColumnType.INTEGER, "PRIMARY KEY"),
            new Column("version", ColumnType.VERSION, ""),
            new Column("description", ColumnType.DESCRIPTION, "NOT NULL"),
            new Column("type", ColumnType.KIND, "NOT NULL"),
            new Column("script", ColumnType.SCRIPT, "NOT NULL"),
            new Column("checksum", ColumnType.BIG_INTEGER, ""),
            new Column("applied_by", ColumnType.USER, "NOT NULL"),
            new Column("applied_at", ColumnType.TIMESTAMP, "NOT NULL"),
            new Column("execution_ms", ColumnType.INTEGER, "NOT NULL"),
            new Column("success", ColumnType.BOOLEAN, "NOT NULL"));

    /** The logical types of the history columns. */
    enum ColumnType { INTEGER, BIG_INTEGER, BOOLEAN, TIMESTAMP, VERSION, DESCRIPTION, KIND, SCRIPT, USER }

    private record Column(String name, ColumnType type, String constraint) {
    }

    /** SQLSTATE insufficient_privilege. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final DatabaseOps ops;
    private final String schema;
    private final String table;
    private final String qualified;

    public HistoryTable(DatabaseOps ops, String name) {
        this.ops = ops;
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "History table name '" + name
                    + "' is not valid: use letters, digits and underscores, optionally schema-qualified (app.schema_version).");
        }
        int dot = name.indexOf('.');
        this.schema = dot < 0 ? null : name.substring(0, dot);
        this.table = dot < 0 ? name : name.substring(dot + 1);
        this.qualified = (schema == null ? "" : ops.dialect().quote(schema) + ".") + ops.dialect().quote(table);
    }

    /** The table's name as configured. */
    public String name() {
        return schema == null ? table : schema + "." + table;
    }

    public boolean exists(Connection c) throws SQLException {
        return ops.tableExists(c, schema, table);
    }

    /** Creates the table if it is missing, and checks that an existing one has Mooring's columns. */
    public void createIfMissing(Connection c) throws SQLException {
        if (!exists(c)) {
            try (Statement s = c.createStatement()) {
                if (schema != null) {
                    ops.createSchemaIfMissing(s, ops.dialect().quote(schema));
                }
                s.execute(ddl());
            }
            return;
        }
        checkShape(c);
    }

    private String ddl() {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualified).append(" (");
        for (int i = 0; i < COLUMNS.size(); i++) {
            Column col = COLUMNS.get(i);
            ddl.append(i == 0 ? "\n  " : ",\n  ").append(col.name()).append(' ').append(ops.sqlType(col.type()))
                    .append(col.constraint().isEmpty() ? "" : " " + col.constraint());
        }
        return ddl.append("\n)").toString();
    }

    private void checkShape(Connection c) throws SQLException {
        Set<String> present = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + qualified + " WHERE 1 = 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                present.add(rs.getMetaData().getColumnName(i).toLowerCase(Locale.ROOT));
            }
        }
        List<String> missing = COLUMNS.stream().map(Column::name).filter(col -> !present.contains(col)).toList();
        if (!missing.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Table " + name() + " exists but is not a Mooring history table (missing "
                    + String.join(", ", missing) + "). Choose another name with --table, or baseline a fresh one.");
        }
    }

    /** All rows in the order they were applied; empty when the table does not exist yet. */
    public List<HistoryRow> read(Connection c) throws SQLException {
        return read(c, true);
    }

    /**
     * Only what deciding "anything to do?" needs: rank, version, description, type, checksum and success. Who applied
     * a row, when and how fast are left empty ({@code null}, 0); callers that report on rows use {@link #read}.
     * Each column read through the SQLite driver is a native call, so on a no-op over a long history this is most
     * of the time spent.
     */
    public List<HistoryRow> readForDecision(Connection c) throws SQLException {
        return read(c, false);
    }

    private List<HistoryRow> read(Connection c, boolean full) throws SQLException {
        if (!exists(c)) {
            return List.of();
        }
        try {
            return select(c, full);
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                String role = c.getMetaData().getUserName();
                throw new MooringException(ErrorCode.DATABASE, "Role " + role + " may not read the migration history"
                        + " table " + name() + " (" + e.getMessage().strip().replaceAll("\\s+", " ") + "), so the"
                        + " applied migrations cannot be known. Grant it SELECT on the table and USAGE on its schema,"
                        + " or connect as a role that has them.", e);
            }
            checkShape(c); // a clearer error when the table is someone else's
            throw e;
        }
    }

    private List<HistoryRow> select(Connection c, boolean full) throws SQLException {
        List<HistoryRow> rows = new ArrayList<>();
        String columns = full ? "installed_rank, version, description, type, script, checksum, success, applied_by, applied_at, execution_ms"
                : "installed_rank, version, description, type, script, checksum, success";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM " + qualified + " ORDER BY installed_rank")) {
            while (rs.next()) {
                String version = rs.getString(2);
                long checksum = rs.getLong(6);
                Long checksumOrNull = rs.wasNull() ? null : checksum;
                boolean success = rs.getBoolean(7);
                rows.add(new HistoryRow(rs.getInt(1), version == null ? null : MigrationVersion.parse(version),
                        rs.getString(3), MigrationType.valueOf(rs.getString(4)), rs.getString(5), checksumOrNull,
                        full ? rs.getString(8) : null, full ? ops.readInstant(rs, 9) : null, full ? rs.getInt(10) : 0, success));
            }
        }
        return rows;
    }

    /** The rank the next row gets. */
    public int nextRank(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM " + qualified)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Marks a row written before a non-transactional migration ran as succeeded. */
    public void markSucceeded(Connection c, int rank, int executionMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + qualified + " SET success = ?, execution_ms = ? WHERE installed_rank = ?")) {
            ps.setBoolean(1, true);
            ps.setInt(2, executionMs);
            ps.setInt(3, rank);
            ps.executeUpdate();
        }
    }

    /** Removes every failed row; returns how many. */
    public int deleteFailed(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("DELETE FROM " + qualified + " WHERE NOT success");
        }
    }

    public void insert(Connection c, HistoryRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                + " (installed_rank, version, description, type, script, checksum, applied_by, applied_at, execution_ms, success)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, row.rank());
            ps.setString(2, row.version() == null ? null : row.version().toString());
            ps.setString(3, row.description());
            ps.setString(4, row.type().name());
            ps.setString(5, row.script());
            if (row.checksum() == null) {
                ps.setNull(6, Types.BIGINT);
            } else {
                ps.setLong(6, row.checksum());
            }
            ps.setString(7, row.appliedBy());
            ops.bindInstant(ps, 8, row.appliedAt() != null ? row.appliedAt() : Instant.now());
            ps.setInt(9, row.executionMs());
            ps.setBoolean(10, row.success());
            ps.executeUpdate();
        }
    }

    public void delete(Connection c, int rank) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified + " WHERE installed_rank = ?")) {
            ps.setInt(1, rank);
            ps.executeUpdate();
        }
    }

    public void realign(Connection c, int rank, long checksum, String description, String script) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + qualified + " SET checksum = ?, description = ?, script = ? WHERE installed_rank = ?")) {
            ps.setLong(1, checksum);
            ps.setString(2, description);
            ps.setString(3, script);
            ps.setInt(4, rank);
            ps.executeUpdate();
        }
    }
}
