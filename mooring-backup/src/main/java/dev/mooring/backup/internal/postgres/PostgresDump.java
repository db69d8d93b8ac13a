package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.internal.file.SegmentedOutput;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The built-in PostgreSQL dump: writes a database as a plain SQL script that {@code psql -1} and Mooring's
 * restore both run, without pg_dump. Everything is read in one repeatable-read snapshot, exported to the
 * parallel workers that copy the table data, while the coordinator holds ACCESS SHARE locks on the dumped
 * tables so that their definitions cannot change under the dump.
 *
 * <p>Owners are not dumped; privileges are unless asked not to be ({@link PrivilegeCatalog}). The script layout is
 * described in {@link DumpScript}.
 * An instance holds only its configuration; {@link #writeTo} may be called more than once, from any thread.
 */
public final class PostgresDump {
    private static final String SCHEMAS = """
            SELECT n.nspname, pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n
            WHERE $schema AND $notext ORDER BY 1""";
    private static final String LOCKED = """
            SELECT c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND $schema AND $notext ORDER BY 1""";
    private static final String SEQUENCES = """
            SELECT c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND $schema AND $notext ORDER BY 1""";
    private static final String POPULATED_MATVIEWS = """
            SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'm' AND c.relispopulated AND $schema AND $notext""";
    private static final String SERVER = """
            SELECT pg_catalog.current_setting('server_version'),
                   pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_database()""";

    private final DataSource source;
    private final int jobs;
    private final boolean privileges;
    private final BackupProgress progress;

    private PostgresDump(DataSource source, int jobs, boolean privileges, BackupProgress progress) {
        this.source = source;
        this.jobs = jobs;
        this.privileges = privileges;
        this.progress = progress;
    }

    /**
     * A dump of the database {@code source} connects to, copying data on {@code jobs} connections
     * (1 to 64; with 1 the coordinator copies, so it needs a single connection).
     */
    public static PostgresDump create(DataSource source, int jobs, BackupProgress progress) {
        return create(source, jobs, true, progress);
    }

    /** As {@link #create(DataSource, int, BackupProgress)}; {@code privileges}: dump the objects' privileges too. */
    public static PostgresDump create(DataSource source, int jobs, boolean privileges, BackupProgress progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        if (jobs < 1 || jobs > 64) {
            throw new MooringException(ErrorCode.USAGE, "jobs must be between 1 and 64, was " + jobs);
        }
        return new PostgresDump(source, jobs, privileges, progress);
    }

    /** Writes the whole script in one consistent snapshot; returns what was dumped. */
    public PostgresDumpResult writeTo(SegmentedOutput out) {
        Objects.requireNonNull(out, "out");
        try (Connection conn = source.getConnection()) {
            PostgresSession.apply(conn);
            PostgresSession.beginSnapshot(conn, null);
            PostgresDumpResult result;
            try {
                result = dump(conn, out);
            } catch (RuntimeException e) {
                // a COPY cut short by the failure makes the rollback fail too; the failure is the news
                try {
                    conn.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            conn.rollback();
            return result;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "The dump's connection failed: " + e.getMessage(), e);
        }
    }

    /**
     * Row counts and {@link dev.mooring.backup.internal.RowDigest} checksums of every table whose data a dump
     * contains, read in {@code conn}'s current transaction (the caller sets up the snapshot), sorted by name.
     * Applies the dump's session settings to {@code conn} and reads the same bytes a dump writes, so the
     * values equal a dump's.
     */
    public static List<TableSummary> summarize(Connection conn) {
        Objects.requireNonNull(conn, "conn");
        PostgresSession.apply(conn);
        List<TableSummary> summaries = new ArrayList<>();
        for (DataTable table : DataTable.list(conn)) {
            summaries.add(TableCopier.copy(conn, table, null, BackupProgress.NONE));
        }
        summaries.sort(Comparator.comparing(TableSummary::table));
        return summaries;
    }

    private PostgresDumpResult dump(Connection conn, SegmentedOutput out) {
        String snapshot = CatalogQuery.list(conn, "snapshot", "SELECT pg_catalog.pg_export_snapshot()",
                rs -> rs.getString(1)).get(0);
        Server server = CatalogQuery.list(conn, "server version", SERVER,
                rs -> new Server(rs.getString(1), rs.getInt(2), rs.getString(3))).get(0);
        List<DataTable> tables = DataTable.list(conn);
        lockTables(conn);
        List<String[]> schemas = CatalogQuery.list(conn, "schemas", filtered(SCHEMAS, "pg_namespace", "n.oid"),
                rs -> new String[] {rs.getString(1), rs.getString(2)});
        List<DumpEntry> created = new ArrayList<>(PreDataCatalog.read(conn));
        created.addAll(TableDefinitions.read(conn));
        List<DumpEntry> post = PostDataCatalog.read(conn);
        List<DumpEntry> pre = new ArrayList<>(DependencyOrder.sort(conn, created, post));
        List<DumpEntry> comments = CommentCatalog.read(conn);
        comments.stream().filter(c -> c.kind() == EntryKind.COMMENT).forEach(pre::add);
        post.addAll(refreshes(conn, pre));
        comments.stream().filter(c -> c.kind() == EntryKind.POST_DATA_COMMENT).forEach(post::add);
        if (privileges) {
            post.addAll(PrivilegeCatalog.read(conn));
        }
        List<String> sequenceValues = sequenceValues(conn);

        progress.planned(tables.size(), tables.stream().mapToLong(DataTable::estimatedRows).sum(),
                tables.stream().mapToLong(DataTable::bytes).sum());
        write(out, DumpScript.preData(server.database, server.version, schemas.stream().map(s -> s[1]).toList(), pre));
        List<TableSummary> summaries = new ArrayList<>(new DataPhase(source, snapshot, out, progress, tables).run(conn, jobs));
        write(out, DumpScript.postData(sequenceValues, post));
        summaries.sort(Comparator.comparing(TableSummary::table));
        return new PostgresDumpResult(server.version, server.versionNum, schemas.stream().map(s -> s[0]).toList(), summaries);
    }

    private static void lockTables(Connection conn) {
        List<String> names = CatalogQuery.list(conn, "tables", filtered(LOCKED, "pg_class", "c.oid"), rs -> rs.getString(1));
        if (names.isEmpty()) {
            return;
        }
        try (Statement st = conn.createStatement()) {
            // Like pg_dump: nobody may drop or alter a dumped table until the dump ends; writers may go on.
            st.execute("LOCK TABLE " + String.join(", ", names) + " IN ACCESS SHARE MODE");
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not lock the tables to dump: " + e.getMessage(), e);
        }
    }

    private static List<DumpEntry> refreshes(Connection conn, List<DumpEntry> ordered) {
        Set<ObjectRef> populated = new HashSet<>(CatalogQuery.list(conn, "materialized views",
                filtered(POPULATED_MATVIEWS, "pg_class", "c.oid"), rs -> new ObjectRef(ObjectRef.PG_CLASS, rs.getLong(1))));
        List<DumpEntry> refreshes = new ArrayList<>();
        // In creation order, so that a materialized view built on another is refreshed after it.
        for (DumpEntry e : ordered) {
            if (e.kind() == EntryKind.MATERIALIZED_VIEW && populated.contains(e.owns().get(0))) {
                String name = e.label().substring("materialized view ".length());
                refreshes.add(new DumpEntry(EntryKind.REFRESH, "refresh of " + e.label(),
                        "REFRESH MATERIALIZED VIEW " + name + ";", List.of()));
            }
        }
        return refreshes;
    }

    private static List<String> sequenceValues(Connection conn) {
        List<String> values = new ArrayList<>();
        for (String sequence : CatalogQuery.list(conn, "sequences", filtered(SEQUENCES, "pg_class", "c.oid"),
                rs -> rs.getString(1))) {
            values.addAll(CatalogQuery.list(conn, "value of sequence " + sequence,
                    "SELECT pg_catalog.format('SELECT pg_catalog.setval(%L, %s, %s);', "
                            + "'" + sequence.replace("'", "''") + "', last_value, is_called::text) FROM " + sequence,
                    rs -> rs.getString(1)));
        }
        return values;
    }

    private static String filtered(String template, String catalog, String oid) {
        return PreDataCatalog.sql(template, catalog, oid);
    }

    private static void write(SegmentedOutput out, String text) {
        try (OutputStream segment = out.openSegment()) {
            segment.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the dump script: " + e.getMessage(), e);
        }
    }

    private record Server(String version, int versionNum, String database) {
    }
}
