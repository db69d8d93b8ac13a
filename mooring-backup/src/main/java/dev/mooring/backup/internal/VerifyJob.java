package dev.mooring.backup.internal;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.ScratchServer;
import dev.mooring.backup.VerifyResult;
import dev.mooring.backup.internal.postgres.PostgresDump;
import dev.mooring.backup.internal.postgres.PostgresRestore;
import dev.mooring.backup.internal.postgres.ScriptResult;
import dev.mooring.backup.internal.sqlite.SqliteCheck;
import dev.mooring.backup.internal.sqlite.SqliteRestore;
import dev.mooring.backup.internal.sqlite.SqliteTables;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Verifies a backup: the file's SHA-256 against its manifest, its structure (every byte decrypts, decompresses and
 * parses, every table has the manifest's row count, the completion marker is there), and with {@code restore} a
 * full restore into a scratch database compared table by table with the manifest's checksums, plus the foreign
 * keys and the migration history. The outcome is recorded in the manifest, but only when it is a verdict on the
 * backup: a verification that could not run (no passphrase or the wrong one, a scratch database that cannot be
 * reached, a full disk) throws and leaves the manifest as it was (see {@link Verdicts}). Single use, not thread-safe.
 */
public final class VerifyJob {
    private final Map<String, String> environment;
    private final String historyTable;
    private final boolean trustForeignFiles;
    private final List<String> checks = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    /** A SQLite backup's tables with the checksums its first verification computed; {@code null} otherwise. */
    private List<TableSummary> completedTables;

    public VerifyJob(Map<String, String> environment, String historyTable, boolean trustForeignFiles) {
        this.environment = environment;
        this.historyTable = historyTable;
        this.trustForeignFiles = trustForeignFiles;
    }

    /** Verifies {@code backup}; {@code scratch} is needed for a PostgreSQL backup with {@code restore}. */
    public VerifyResult verify(StoredBackup backup, boolean restore, ScratchServer scratch) {
        if (!backup.exists()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no backup file " + backup.description() + ".");
        }
        Optional<BackupManifest> manifest = ManifestStore.read(backup);
        String dialect = BackupFiles.dialect(backup, manifest);
        if (manifest.isEmpty()) {
            problems.add("no manifest beside the file: row counts and checksums cannot be compared");
        } else if (!sha256Matches(backup, manifest.get())) {
            return finish(backup, manifest, false);
        }
        Path temp = null;
        try {
            if ("sqlite".equals(dialect)) {
                temp = BackupFiles.decodeToTemp(backup, environment, backup.scratchDir());
                List<TableSummary> reference = checkSqlite(temp, manifest);
                if (restore && problems.isEmpty()) {
                    restoreSqlite(temp, reference, manifest);
                }
            } else {
                scanScript(backup, manifest);
                if (restore && problems.isEmpty()) {
                    restorePostgres(backup, manifest, Objects.requireNonNull(scratch, "scratch"));
                }
            }
        } catch (MooringException e) {
            problems.add(verdict(backup, e));
        } finally {
            deleteQuietly(temp);
        }
        return finish(backup, manifest, restore);
    }

    private boolean sha256Matches(StoredBackup backup, BackupManifest manifest) {
        try {
            BackupFiles.checkSha256(backup, manifest);
            checks.add("sha256 matches the manifest");
            return true;
        } catch (MooringException e) {
            problems.add(verdict(backup, e));
            return false;
        }
    }

    /** The problem {@code e} proves about the backup; throws when it only stopped the verification from running. */
    private static String verdict(StoredBackup backup, MooringException e) {
        if (!Verdicts.provesBackupBad(e)) {
            throw Verdicts.notRun(backup.name(), e);
        }
        return e.getMessage();
    }

    private void scanScript(StoredBackup backup, Optional<BackupManifest> manifest) {
        List<TableSummary> expected = manifest.map(BackupManifest::tables).orElse(null);
        ScriptResult scan;
        try (InputStream in = BackupFiles.open(backup, environment)) {
            scan = PostgresRestore.scan(in, manifest, trustForeignFiles);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + backup.name() + ": " + e.getMessage(), e);
        }
        List<String> found = new ArrayList<>();
        if (!scan.complete()) {
            found.add("the script ends before its completion marker: the file is truncated");
        }
        if (expected != null) {
            for (TableSummary t : expected) {
                long rows = scan.rowsByTable().entrySet().stream()
                        .filter(e -> PostgresRestore.unquoteName(e.getKey()).equals(t.table()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (rows != t.rows()) {
                    found.add("table " + t.table() + " has " + rows + " rows in the script, the manifest says " + t.rows());
                }
            }
        }
        record("structure: decrypts, decompresses, parses to the completion marker, row counts match", found);
    }

    private void restorePostgres(StoredBackup backup, Optional<BackupManifest> manifest, ScratchServer scratch) {
        String name = "mooring_verify_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        DataSource db = scratch.createDatabase(name);
        try {
            PostgresRestore.Outcome outcome = new PostgresRestore(db, environment, historyTable).restoreUnprivileged(backup,
                    manifest, trustForeignFiles);
            checks.add("restored into a scratch database: " + outcome.tables().size() + " tables, foreign keys and"
                    + " constraints validated");
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                }
                List<TableSummary> actual = PostgresDump.summarize(c);
                c.rollback();
                manifest.ifPresent(m -> record("restored rows and checksums match the manifest",
                        TableDiff.compare(m.tables(), actual)));
            }
            manifest.ifPresent(m -> checkHistory(m, outcome.schemaVersion()));
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "could not read the scratch database: " + e.getMessage(), e);
        } finally {
            scratch.dropDatabase(name);
        }
    }

    /**
     * SQLite's checks on the decoded backup and its tables against the manifest. A backup written without checksums
     * gets them here, from the file itself, which is the snapshot; they are what the scratch restore is compared
     * with and are recorded in the manifest. Returns the tables to compare a restore with.
     */
    private List<TableSummary> checkSqlite(Path decoded, Optional<BackupManifest> manifest) {
        SqliteCheck.Inspection inspection = SqliteCheck.inspect(decoded, true);
        List<TableSummary> expected = manifest.map(BackupManifest::tables).orElse(null);
        List<String> found = new ArrayList<>(inspection.problems());
        if (inspection.tables() != null && expected != null) {
            found.addAll(TableDiff.compare(expected, inspection.tables()));
        }
        record("structure: decrypts, decompresses, SQLite integrity_check and foreign_key_check pass,"
                + " rows and checksums match", found);
        if (inspection.tables() == null || !found.isEmpty()) {
            return expected;
        }
        if (manifest.isPresent() && manifest.get().checksumsPending()) {
            completedTables = inspection.tables();
            checks.add("content checksums computed from the backup file and recorded in the manifest");
        }
        return expected == null ? null : inspection.tables();
    }

    private void restoreSqlite(Path decoded, List<TableSummary> expected, Optional<BackupManifest> manifest) {
        Path target = decoded.resolveSibling(decoded.getFileName() + ".restored");
        try {
            try (Connection c = SqliteTables.openReadWrite(target)) {
                new SqliteRestore(c, BackupProgress.NONE).restore(decoded, false);
                List<String> found = new ArrayList<>(SqliteCheck.integrity(c, true));
                if (expected != null) {
                    found.addAll(TableDiff.compare(expected, SqliteTables.summarize(c, "main")));
                }
                record("restored into a scratch SQLite file: integrity_check, foreign_key_check, rows and checksums", found);
                String version = Migrator.appliedVersion(c, historyTable).orElse(null);
                manifest.ifPresent(m -> checkHistory(m, version));
            }
        } catch (SQLException e) {
            // a verdict unless SQLite says the scratch file's disk or folder is the trouble
            throw new MooringException(ErrorCode.RESTORE_FAILED, "could not restore into a scratch SQLite file: "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(target);
        }
    }

    private void checkHistory(BackupManifest manifest, String restoredVersion) {
        record("migration history is at schema version " + manifest.schemaVersion(),
                Objects.equals(manifest.schemaVersion(), restoredVersion) ? List.of()
                        : List.of("the restored migration history is at version " + restoredVersion
                        + ", the manifest says " + manifest.schemaVersion()));
    }

    private void record(String check, List<String> found) {
        if (found.isEmpty()) {
            checks.add(check);
        } else {
            problems.addAll(found);
        }
    }

    private VerifyResult finish(StoredBackup backup, Optional<BackupManifest> manifest, boolean restored) {
        BackupManifest updated = null;
        if (manifest.isPresent()) {
            BackupManifest base = completedTables != null && problems.isEmpty()
                    ? manifest.get().withTables(completedTables) : manifest.get();
            updated = base.withVerification(new BackupManifest.Verification(Instant.now(), restored,
                    problems.isEmpty(), problems));
            ManifestStore.write(backup, updated);
        }
        return new VerifyResult(backup.file(), updated, restored, checks, problems);
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // an owner-only temporary file named .mooring-restore-*
            }
        }
    }
}
