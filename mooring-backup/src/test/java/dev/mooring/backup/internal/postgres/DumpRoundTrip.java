package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.embedded.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * What the dump tests share: loading a SQL fixture, dumping to memory, restoring a script into a new database
 * on the same server, and reading catalogs and row summaries to compare.
 */
final class DumpRoundTrip {
    private static final AtomicLong COUNTER = new AtomicLong();

    /** A dump held in memory. */
    record Dumped(String script, PostgresDumpResult result, int segments) {
    }

    private DumpRoundTrip() {
    }

    /** Runs every statement of {@code sql} on {@code source}, in one transaction. */
    static void load(DataSource source, String sql) throws SQLException {
        try (Connection conn = source.getConnection(); Statement st = conn.createStatement()) {
            conn.setAutoCommit(false);
            for (SqlStatement statement : SqlSplitter.split(sql, SqlSyntax.POSTGRESQL)) {
                try {
                    st.execute(statement.sql());
                } catch (SQLException e) {
                    throw new SQLException("line " + statement.line() + ": " + e.getMessage(), e);
                }
            }
            conn.commit();
        }
    }

    /** The text of a classpath resource. */
    static String resource(String name) throws IOException {
        try (InputStream in = DumpRoundTrip.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Dumped dump(DataSource source, int jobs) {
        MemorySegments out = new MemorySegments();
        PostgresDumpResult result = PostgresDump.create(source, jobs, BackupProgress.NONE).writeTo(out);
        return new Dumped(out.text(), result, out.count());
    }

    /** A new empty database on {@code server}; its name. */
    static String newDatabase(EmbeddedPostgresServer server) {
        String name = "restore_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        server.createDatabaseIfMissing(name);
        return name;
    }

    /**
     * Restores {@code script} into database {@code name} of {@code server} in one transaction, as Mooring does: checked
     * whole against the allow-list first, then run with it, the backup's code as a role without superuser rights.
     */
    static ScriptResult restore(EmbeddedPostgresServer server, String name, String script) throws SQLException {
        byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
        DumpAllowList checked = DumpAllowList.forScan();
        PsqlScriptRunner.scan(new java.io.ByteArrayInputStream(bytes), checked);
        checked.finish();
        try (Connection conn = server.dataSource(name).getConnection()) {
            conn.setAutoCommit(false);
            ScriptResult result = PostgresRestore.runChecked(conn, new java.io.ByteArrayInputStream(bytes), false,
                    checked, PostgresRestore.allowListForRun(conn, checked));
            conn.commit();
            return result;
        }
    }

    /** The catalog snapshot of a database. */
    static List<String> catalog(DataSource source) throws SQLException {
        try (Connection conn = source.getConnection()) {
            return CatalogSnapshot.of(conn);
        }
    }

    /** Asserts that two catalog snapshots are equal, showing only the lines that differ. */
    static void assertSameCatalog(List<String> restored, List<String> original) {
        List<String> missing = new java.util.ArrayList<>(original);
        missing.removeAll(restored);
        List<String> extra = new java.util.ArrayList<>(restored);
        extra.removeAll(original);
        org.assertj.core.api.Assertions.assertThat(String.join("\n", missing) + "\n----- restored instead:\n"
                + String.join("\n", extra)).isEqualTo("\n----- restored instead:\n");
        org.assertj.core.api.Assertions.assertThat(restored).containsExactlyElementsOf(original);
    }

    /** {@link PostgresDump#summarize} in a fresh repeatable-read transaction. */
    static List<TableSummary> summaries(DataSource source) throws SQLException {
        try (Connection conn = source.getConnection()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            List<TableSummary> summaries = PostgresDump.summarize(conn);
            conn.rollback();
            return summaries;
        }
    }
}
