package dev.mooring.backup;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pg_dump engine against a real pg_dump and a server of its major version. The machine's pg_dump is 15 (from
 * Debian) and refuses newer servers, so this class starts PostgreSQL 15 from zonky's binaries (copied to
 * target/postgres-15 by the build); it also runs the built-in engine on 15, the oldest major it is tested on.
 * Skipped, saying why, where there is no pg_dump 15 or the platform has no such binaries.
 */
class PgDumpEngineTest {
    static final Path BINARIES = Path.of("target/postgres-15/postgres-15-linux-amd64.jar");
    static EmbeddedPostgresServer server;
    static int counter;

    @TempDir
    Path dumps;

    @BeforeAll
    static void startPostgres15() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
                "PostgreSQL 15 binaries are fetched for linux-amd64 only");
        assumeTrue(Files.isRegularFile(BINARIES), "no " + BINARIES + ": run the build through Maven");
        assumeTrue(pgDumpMajor().filter(major -> major == 15).isPresent(), "no pg_dump 15 on PATH");
        server = EmbeddedPostgresServer.startTemporary(BINARIES);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Optional<Integer> pgDumpMajor() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "pg_dump");
            if (Files.isExecutable(p)) {
                try {
                    Process process = new ProcessBuilder(p.toString(), "--version").redirectErrorStream(true).start();
                    String text = new String(process.getInputStream().readAllBytes());
                    process.waitFor(10, TimeUnit.SECONDS);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(text);
                    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    String newDatabase() {
        String name = "pg15_" + (++counter);
        server.createDatabaseIfMissing(name);
        return name;
    }

    BackupConfig config(BackupEngine engine) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(BackupConfig.PASSPHRASE_VARIABLE, "pg15 passphrase");
        // pg_dump's files are restored only when trusted: Mooring cannot check what they hold.
        return BackupConfig.defaults().withDir(dumps).withEngine(engine).withEnvironment(env)
                .withTrustForeignFiles(engine == BackupEngine.PG_DUMP);
    }

    DatabaseUrl filled() throws Exception {
        String db = newDatabase();
        DataSource ds = server.dataSource(db);
        Migrator.create(ds, MigrationConfig.of("classpath:db/pg-fixture")).migrate();
        PostgresBackupTest.execute(ds, "INSERT INTO items (name, price, tags) SELECT 'item ' || g, g, ARRAY['x']"
                + " FROM generate_series(1, 200) g");
        PostgresBackupTest.execute(ds, "INSERT INTO item_notes (item_id, note) SELECT id, 'n' FROM items WHERE id % 2 = 0");
        return server.url(db);
    }

    ScratchServer scratch() {
        return new ScratchServer() {
            @Override
            public DataSource createDatabase(String name) {
                server.createDatabaseIfMissing(name);
                return server.dataSource(name);
            }

            @Override
            public void dropDatabase(String name) {
                server.dropDatabase(name);
            }
        };
    }

    @Test
    void pgDumpBackupCarriesOurChecksumsAndRestoresAndVerifies() throws Exception {
        DatabaseUrl source = filled();
        BackupManifest m = Backups.create(source, config(BackupEngine.PG_DUMP).withEncrypt(true)).backup();
        Path file = dumps.resolve(m.file());

        assertThat(m.engine()).isEqualTo("pg_dump");
        assertThat(m.serverVersion()).startsWith("15.");
        assertThat(m.schemaVersion()).isEqualTo("2");
        assertThat(m.tables()).filteredOn(t -> t.table().equals("public.items")).singleElement()
                .extracting(TableSummary::rows).isEqualTo(200L);

        VerifyResult v = Backups.verify(file, true, scratch(), config(BackupEngine.PG_DUMP));
        assertThat(v.problems()).isEmpty();

        DatabaseUrl target = server.url(newDatabase());
        RestoreResult r = Backups.create(target, config(BackupEngine.PG_DUMP)).restore(file, RestoreOptions.defaults());
        assertThat(r.totalRows()).isEqualTo(m.totalRows());
        assertThat(r.schemaVersion()).isEqualTo("2");

        PostgresBackupTest.execute(source.toDataSource(), "DELETE FROM item_notes");
        Backups.create(source, config(BackupEngine.PG_DUMP)).restore(file, RestoreOptions.defaults().withClean(true));
        assertThat(PostgresBackupTest.count(source.toDataSource(), "SELECT count(*) FROM item_notes")).isEqualTo(100);
    }

    @Test
    void builtInEngineRoundTripsOnPostgres15() throws Exception {
        DatabaseUrl source = filled();
        BackupManifest m = Backups.create(source, config(BackupEngine.BUILTIN).withJobs(2)).backup();

        VerifyResult v = Backups.verify(dumps.resolve(m.file()), true, scratch(), config(BackupEngine.BUILTIN));

        assertThat(v.problems()).isEmpty();
        assertThat(m.serverVersion()).startsWith("15.");
        assertThat(Arrays.asList(m.tables().stream().map(TableSummary::table).toArray()))
                .contains("public.items", "public.item_notes", "public.schema_version");
    }
}
