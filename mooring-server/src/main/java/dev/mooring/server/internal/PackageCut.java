package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.Dialects;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.PackageRequest;
import dev.mooring.sync.PackageDigest;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import dev.mooring.sync.SqliteValues;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a data package's rows from PostgreSQL, in the caller's one REPEATABLE READ, read-only transaction, into a
 * SQLite file, and describes them in a manifest. Each table holds the rows the package's user may pull, by the same
 * sharing rules as a pull (their own rows, deleted ones too, and the live rows shared with them), (or, shared,
 * every row of a public-read table), narrowed by the request's filter: live rows, tombstones, and, without a filter,
 * rows deleted outright that the change log still remembers, as tombstones, so a client that imports the package
 * over older data learns of those deletes too. The watermark is where the change feed continues after this snapshot,
 * reasoned as for a bootstrap ({@link FeedPosition#after}): every change the snapshot may not hold follows it.
 * Stateless.
 */
public final class PackageCut {
    private static final Dialect SQLITE = Dialects.named("sqlite");
    private static final int BATCH = 1_000;

    /** What to cut besides the request: the package's identity and where the schema version is recorded. */
    public record Identity(String id, long version, Instant createdAt, String historyTable) {
    }

    private PackageCut() {
    }

    /** Cuts the package into the new SQLite file {@code data}; the manifest returned lacks the data's digest. */
    public static PackageManifest cut(Connection c, TableCatalog catalog, List<TableCatalog.Table> tables,
                                      PackageRequest request, Identity identity, Path data) throws SQLException {
        long xmin;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) {
            rs.next();
            xmin = Long.parseLong(rs.getString(1));
        }
        String schemaVersion = Migrator.appliedVersion(c, identity.historyTable()).orElse(null);
        ObjectMapper json = new ObjectMapper();
        List<PackageManifest.Table> described = new ArrayList<>();
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + data.toAbsolutePath())) {
            try (Statement s = sqlite.createStatement()) {
                // a scratch file: if this process dies, the file is thrown away, so nothing needs a journal
                s.execute("PRAGMA journal_mode = OFF");
                s.execute("PRAGMA synchronous = OFF");
                s.execute("CREATE TABLE " + PackageFile.ROW_VERSIONS + " (table_name TEXT NOT NULL, id TEXT NOT NULL,"
                        + " hlc TEXT NOT NULL, PRIMARY KEY (table_name, id))");
            }
            sqlite.setAutoCommit(false);
            for (TableCatalog.Table table : tables) {
                List<String> columns = columns(table);
                try (Statement s = sqlite.createStatement()) {
                    s.execute("CREATE TABLE " + SQLITE.quote(table.sync().name()) + " (\"id\" TEXT PRIMARY KEY"
                            + columns.stream().skip(1).map(col -> ", " + SQLITE.quote(col)).collect(Collectors.joining())
                            + ")");
                }
                try (Rows into = new Rows(sqlite, table.sync().name(), columns, json)) {
                    copyRows(c, catalog, table, request, into);
                    if (request.where() == null) {
                        copyDeleted(c, table, request, into);
                    }
                }
            }
            sqlite.commit();
            for (TableCatalog.Table table : tables) {
                List<String> columns = columns(table);
                PackageDigest.TableDigest digest = PackageDigest.table(sqlite, table.sync().name(), columns);
                described.add(new PackageManifest.Table(table.sync().name(), table.sync().ownerColumn(), columns,
                        digest.rows(), digest.deleted(), digest.sha256()));
            }
        }
        return new PackageManifest(identity.id(), request.name(), identity.version(), identity.createdAt(),
                request.userId(), request.where(), FeedPosition.after(xmin).encode(), schemaVersion,
                request.clientSchemaVersion(), null, 0, described);
    }

    /** The table's columns as the package holds them: {@code id} first, then the rest in table order. */
    private static List<String> columns(TableCatalog.Table table) {
        List<String> columns = new ArrayList<>();
        columns.add("id");
        table.columns().keySet().stream().filter(col -> !col.equals("id")).forEach(columns::add);
        return columns;
    }

    private static void copyRows(Connection c, TableCatalog catalog, TableCatalog.Table table, PackageRequest request,
                                 Rows into)
            throws SQLException {
        String owner = request.shared() ? null : table.sync().ownerColumn();
        TableAccess access = owner == null ? null : catalog.access(table.sync().name()).orElse(null);
        TableAccess.Binds json = new TableAccess.Binds();
        StringBuilder sql = new StringBuilder("SELECT r.id::text, " + (access == null ? "row_to_json(r)::text"
                : access.rowJson("r", request.userId(), json)) + ", v.row_hlc FROM "
                + table.sqlName() + " r LEFT JOIN mooring.column_versions v ON v.table_name = ?"
                + " AND v.record_id = r.id::text WHERE true");
        TableAccess.Binds rule = new TableAccess.Binds();
        if (access != null) {
            // the user's own rows, deleted ones too, and the live rows shared with them: what their sync would hold
            sql.append(" AND ").append(access.visible("r", TableAccess.Kind.READ, request.userId(), rule, false))
                    .append(" AND (r.deleted_at IS NULL OR r.").append(TableCatalog.quote(owner)).append("::text = ?)");
        } else if (owner != null) {
            sql.append(" AND r.").append(TableCatalog.quote(owner)).append("::text = ?");
        }
        if (request.where() != null) {
            sql.append(" AND (").append(request.where()).append(")");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.append(" ORDER BY r.id").toString())) {
            ps.setFetchSize(BATCH);
            int i = json.bind(ps, 1);
            ps.setString(i++, table.sync().name());
            i = rule.bind(ps, i);
            if (owner != null) {
                ps.setString(i, request.userId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            } catch (SQLException e) {
                if (request.where() != null && filterFault(e.getSQLState())) {
                    throw new MooringException(ErrorCode.USAGE, "--where '" + request.where() + "' does not work on"
                            + " table " + table.sync().name() + ": " + e.getMessage().lines().findFirst().orElse("")
                            + ". It is applied to every table of the package.", e);
                }
                throw e;
            }
        }
    }

    /** Whether a query failed for what its filter says: syntax, names, types, values, or an attempt to write. */
    private static boolean filterFault(String sqlState) {
        return sqlState != null && (sqlState.startsWith("42") || sqlState.startsWith("22") || sqlState.equals("25006"));
    }

    /**
     * Rows of the table deleted outright (not tombstoned) whose delete the change log still holds, each as it was
     * before, now with {@code deleted_at} set: a client holding such a row marks it deleted.
     */
    private static void copyDeleted(Connection c, TableCatalog.Table table, PackageRequest request, Rows into)
            throws SQLException {
        String owner = request.shared() || table.sync().ownerColumn() == null ? "*" : request.userId();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (cl.record_id) cl.record_id,
                       (CASE WHEN cl.old_row ->> 'deleted_at' IS NULL
                             THEN jsonb_set(cl.old_row, '{deleted_at}', to_jsonb(cl.changed_at))
                             ELSE cl.old_row END)::text,
                       cl.hlc
                  FROM mooring.change_log cl
                 WHERE cl.table_name = ? AND cl.operation = 'delete' AND cl.audience = ?
                   AND NOT EXISTS (SELECT 1 FROM %s r WHERE r.id = CAST(cl.record_id AS %s))
                 ORDER BY cl.record_id, cl.xid DESC, cl.seq DESC
                """.formatted(table.sqlName(), table.columns().get("id")))) {
            ps.setFetchSize(BATCH);
            ps.setString(1, table.sync().name());
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            }
        }
    }

    /** Inserts one table's rows and their versions into the package, in batches. */
    private static final class Rows implements AutoCloseable {
        private final String table;
        private final List<String> columns;
        private final ObjectMapper json;
        private final PreparedStatement insert;
        private final PreparedStatement version;
        private int pending;

        Rows(Connection sqlite, String table, List<String> columns, ObjectMapper json) throws SQLException {
            this.table = table;
            this.columns = columns;
            this.json = json;
            this.insert = sqlite.prepareStatement("INSERT INTO " + SQLITE.quote(table) + " ("
                    + columns.stream().map(SQLITE::quote).collect(Collectors.joining(", ")) + ") VALUES ("
                    + "?, ".repeat(columns.size() - 1) + "?)");
            this.version = sqlite.prepareStatement("INSERT INTO " + PackageFile.ROW_VERSIONS
                    + " (table_name, id, hlc) VALUES (?, ?, ?)");
        }

        void add(String id, String rowJson, String hlc) throws SQLException {
            JsonNode row;
            try {
                row = json.readTree(rowJson);
            } catch (JsonProcessingException e) {
                throw new MooringException(ErrorCode.INTERNAL, "PostgreSQL returned a row that is not JSON: "
                        + e.getMessage(), e);
            }
            insert.setString(1, id);
            for (int i = 1; i < columns.size(); i++) {
                SqliteValues.bind(insert, i + 1, row.get(columns.get(i)));
            }
            insert.addBatch();
            version.setString(1, table);
            version.setString(2, id);
            version.setString(3, hlc == null ? ChangeFeed.UNSTAMPED.toString() : hlc);
            version.addBatch();
            if (++pending == BATCH) {
                flush();
            }
        }

        private void flush() throws SQLException {
            insert.executeBatch();
            version.executeBatch();
            pending = 0;
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                insert.close();
                version.close();
            }
        }
    }
}
