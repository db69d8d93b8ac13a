package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.internal.BackupFiles;
import dev.mooring.backup.internal.StoredBackup;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Restores a PostgreSQL backup script in one transaction: with {@code clean} the backup's schemas are dropped first,
 * in the same transaction, so any failure — a bad statement, a truncated file, row counts that differ from the
 * manifest — leaves the target exactly as it was.
 *
 * <p>A backup file is hostile until shown to be Mooring's own. Unless the caller trusts foreign files, a file the
 * manifest does not say pg_dump wrote is checked whole against {@link DumpAllowList} before anything runs, and
 * checked again statement by statement as it runs; a file pg_dump wrote is refused. Privilege statements naming a
 * role the target lacks are skipped and the roles reported. Single use, not thread-safe.
 */
public final class PostgresRestore {
    /**
     * What was restored.
     *
     * @param missingRoles roles the backup grants privileges to (or whose default privileges it sets) that do not exist
     *                     on the target; those statements were skipped
     */
    public record Outcome(List<TableSummary> tables, String schemaVersion, Set<String> missingRoles) {
    }

    private final DataSource target;
    private final Map<String, String> environment;
    private final String historyTable;

    public PostgresRestore(DataSource target, Map<String, String> environment, String historyTable) {
        this.target = target;
        this.environment = environment;
        this.historyTable = historyTable;
    }

    /**
     * Restores {@code file}. With {@code trustForeignFile} nothing is checked: the file runs as psql would run it
     * (pg_dump's files need this); otherwise see the class comment.
     */
    public Outcome restore(StoredBackup file, Optional<BackupManifest> manifest, boolean clean, boolean trustForeignFile) {
        DumpAllowList checked = checkUnlessTrusted(file, manifest, trustForeignFile);
        try (Connection c = target.getConnection()) {
            return inOneTransaction(c, file, manifest, clean, checked);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Restores {@code file}, checked as {@link #restore} does, into the target — a scratch database, since its owner
     * changes — as a throw-away role without superuser rights that owns it ({@link UnprivilegedRole}), so that no code
     * the backup holds can run as a superuser. The data source must connect as a superuser; when the server does not
     * let the new role connect without a password, the restore runs on the data source's connection, as a superuser's
     * {@link #restore} does: the backup's code still runs without superuser rights ({@link ConfinedRun}). A trusted
     * foreign file runs as the data source's role.
     */
    public Outcome restoreUnprivileged(StoredBackup file, Optional<BackupManifest> manifest, boolean trustForeignFile) {
        DumpAllowList checked = checkUnlessTrusted(file, manifest, trustForeignFile);
        if (checked == null) {
            return restore(file, manifest, false, true);
        }
        try (Connection admin = target.getConnection()) {
            admin.setAutoCommit(true);
            try (UnprivilegedRole role = UnprivilegedRole.create(admin, checked.extensions())) {
                Connection asRole;
                try {
                    asRole = target.getConnection(role.name(), null);
                } catch (SQLException e) {
                    return inOneTransaction(admin, file, manifest, false, checked);
                }
                try (asRole) {
                    return inOneTransaction(asRole, file, manifest, false, checked);
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private DumpAllowList checkUnlessTrusted(StoredBackup file, Optional<BackupManifest> manifest, boolean trustForeignFile) {
        if (trustForeignFile) {
            return null;
        }
        if (!ownFormat(manifest)) {
            // not proof against the file (a verification records nothing): a confirmation that was not given
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, file.name() + " was written by "
                    + manifest.get().engine() + ", not by Mooring's dump engine, so it may hold any SQL, and Mooring"
                    + " cannot check it. Nothing was run. If you made this backup and trust its content, restore"
                    + " it with --trust-foreign-file.");
        }
        return check(file);
    }

    private Outcome inOneTransaction(Connection c, StoredBackup file, Optional<BackupManifest> manifest, boolean clean,
            DumpAllowList checked) throws SQLException {
        c.setAutoCommit(false);
        try {
            Outcome outcome = run(c, file, manifest, clean, checked);
            c.commit();
            return outcome;
        } catch (RuntimeException | SQLException e) {
            c.rollback();
            throw e;
        } catch (IOException e) {
            c.rollback();
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, "Could not read " + file.description() + ": " + e.getMessage()
                    + ". The restore was rolled back, the target is unchanged.", e);
        }
    }

    private static MooringException failed(SQLException e) {
        return new MooringException(ErrorCode.RESTORE_FAILED, "The restore failed and was rolled back, the target is"
                + " unchanged: " + e.getMessage(), e);
    }

    /**
     * Reads {@code script} to its end without a database, as a restore would ({@link PsqlScriptRunner#scan}); a file
     * that is, or may be, Mooring's own is also held to the allow-list unless {@code trustForeignFile}.
     */
    public static ScriptResult scan(InputStream script, Optional<BackupManifest> manifest, boolean trustForeignFile) {
        if (trustForeignFile || !ownFormat(manifest)) {
            return PsqlScriptRunner.scan(script);
        }
        return scan(script, DumpAllowList.forScan());
    }

    private static ScriptResult scan(InputStream script, DumpAllowList allowList) {
        ScriptResult result = PsqlScriptRunner.scan(script, allowList);
        allowList.finish();
        return result;
    }

    /** Whether the file is, or may be, written by Mooring's engine: the manifest says so, or there is none. */
    private static boolean ownFormat(Optional<BackupManifest> manifest) {
        return manifest.map(m -> "builtin".equals(m.engine())).orElse(true);
    }

    /** The whole file against the allow-list, before anything runs; returns the list that checked it. */
    private DumpAllowList check(StoredBackup file) {
        DumpAllowList allowList = DumpAllowList.forScan();
        try (InputStream in = BackupFiles.open(file, environment)) {
            scan(in, allowList);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, "Could not read " + file.description() + ": "
                    + e.getMessage() + ". Nothing was run.", e);
        }
        return allowList;
    }

    private Outcome run(Connection c, StoredBackup file, Optional<BackupManifest> manifest, boolean clean, DumpAllowList checked)
            throws SQLException, IOException {
        if (clean && !ownFormat(manifest)) {
            // pg_dump scripts carry no clean section of Mooring's: drop the schemas the manifest lists.
            dropSchemas(c, manifest.get().schemas());
        }
        DumpAllowList allowList = checked == null ? null : allowListForRun(c, checked);
        ScriptResult result;
        try (InputStream in = BackupFiles.open(file, environment)) {
            result = allowList == null ? PsqlScriptRunner.run(c, in, clean)
                    : runChecked(c, in, clean, checked, allowList);
        }
        if (!result.complete()) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, file.name() + " ends before its completion"
                    + " marker: it is truncated. The restore was rolled back, the target is unchanged.");
        }
        List<TableSummary> tables = tables(result.rowsByTable(), manifest);
        try (Statement s = c.createStatement()) {
            s.execute("RESET search_path"); // the script emptied it; the history table is found the usual way
        }
        String schemaVersion = Migrator.appliedVersion(c, historyTable).orElse(null);
        return new Outcome(tables, schemaVersion, allowList == null ? Set.of() : allowList.missingRoles());
    }

    /**
     * Runs {@code script}, which the scan {@code checked}, held to {@code allowList}, on {@code c} (autocommit off; the
     * caller commits). When the session is a superuser, the backup's code runs as a throw-away role without superuser
     * rights ({@link ConfinedRun}), and the objects it creates belong to the database's owner.
     */
    static ScriptResult runChecked(Connection c, InputStream script, boolean clean, DumpAllowList checked,
            DumpAllowList allowList) throws SQLException {
        ConfinedRun confined = ConfinedRun.ifNeeded(c, checked, allowList);
        if (confined == null) {
            return PsqlScriptRunner.run(c, script, clean, ScriptProgress.NONE, allowList);
        }
        ScriptResult result = PsqlScriptRunner.run(c, script, clean, ScriptProgress.NONE, confined, confined);
        confined.finish();
        return result;
    }

    /** The run's list: the schemas the scan found, the roles of the target and those the restoring role acts for. */
    static DumpAllowList allowListForRun(Connection c, DumpAllowList checked) throws SQLException {
        Set<String> roles = new HashSet<>();
        Set<String> actingRoles = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolname, pg_catalog.pg_has_role(oid, 'MEMBER') FROM pg_catalog.pg_roles")) {
            while (rs.next()) {
                roles.add(rs.getString(1));
                if (rs.getBoolean(2)) {
                    actingRoles.add(rs.getString(1));
                }
            }
        }
        return DumpAllowList.forRun(checked.schemas(), roles, actingRoles);
    }

    private static void dropSchemas(Connection c, List<String> schemas) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String schema : schemas) {
                s.execute("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
            }
            if (schemas.contains("public")) {
                s.execute("CREATE SCHEMA public");
            }
        }
    }

    /** The restored tables with their COPY row counts; fails when they differ from the manifest's. */
    private static List<TableSummary> tables(Map<String, Long> rowsByTable, Optional<BackupManifest> manifest) {
        List<TableSummary> tables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Long> e : rowsByTable.entrySet()) {
            String name = unquoteName(e.getKey());
            Optional<TableSummary> expected = manifest.flatMap(m -> m.tables().stream()
                    .filter(t -> t.table().equals(name)).findFirst());
            if (expected.isPresent() && expected.get().rows() != e.getValue()) {
                problems.add(name + " got " + e.getValue() + " rows, the manifest says " + expected.get().rows());
            }
            tables.add(new TableSummary(name, e.getValue(), expected.map(TableSummary::checksum).orElse("")));
        }
        if (!problems.isEmpty()) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "The restored rows differ from the manifest: "
                    + String.join("; ", problems) + ". The restore was rolled back, the target is unchanged.");
        }
        return tables;
    }

    /** {@code public.t} or {@code "My Schema"."T"} as written in a COPY statement, to {@code schema.table} unquoted. */
    public static String unquoteName(String qualified) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char ch = qualified.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < qualified.length() && qualified.charAt(i + 1) == '"') {
                    out.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else {
                out.append(quoted ? ch : Character.toLowerCase(ch));
            }
        }
        return out.toString();
    }

    /** {@code identifier} as a quoted PostgreSQL name. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
