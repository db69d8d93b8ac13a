package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.PitrOptions;
import dev.mooring.backup.PitrResult;
import dev.mooring.backup.PointInTimeRestore;
import dev.mooring.backup.RecoveryTarget;
import dev.mooring.cli.MooringCli;
import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.embedded.EmbeddedPostgresServer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code restore --pitr}: a point-in-time restore of a PostgreSQL server into a new data directory, from the base
 * backups and WAL archive in {@code --dir}.
 */
public final class PitrRestoreOptions {
    @Option(names = "--pitr", description = "Point-in-time restore of a PostgreSQL server from the base backups"
            + " (mooring basebackup) and WAL archive (mooring wal push) in --dir into a new data directory (--pgdata),"
            + " stopping at --target-time, --target-lsn or --target latest. Needs no --url.")
    boolean enabled;

    @Option(names = "--target-time", paramLabel = "TIME", description = "With --pitr: recover the transactions committed"
            + " up to this moment, with its time zone, such as \"2026-12-01 10:15:00+00\".")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "With --pitr: recover up to this WAL position,"
            + " such as 0/3000148.")
    String targetLsn;

    @Option(names = "--target", paramLabel = "latest", description = "With --pitr: latest replays all archived WAL.")
    String target;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "With --pitr: the data directory to create; it must"
            + " not exist or be empty.")
    Path pgdata;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "With --pitr: the folder of the PostgreSQL programs"
            + " (pg_ctl, postgres) of the backup's major version. Default: pg_ctl on the PATH if its version matches,"
            + " else the embedded PostgreSQL's.")
    Path pgBin;

    @Option(names = "--port", defaultValue = "0", description = "With --pitr: the port the recovering server listens on,"
            + " on localhost. Default: a free one.")
    int port;

    @Option(names = "--keep-running", description = "With --pitr: leave the recovered server running (it then archives"
            + " as its configuration says). Default: stop it after the check; it ran with archive_mode=off.")
    boolean keepRunning;

    @Option(names = "--recovery-timeout", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "With --pitr: how long recovery may take. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** Whether any --pitr-only option was given without --pitr. */
    boolean misused() {
        return !enabled && (targetTime != null || targetLsn != null || target != null || pgdata != null || pgBin != null
                || keepRunning);
    }

    int run(BackupOptions backup, DatabaseOptions db, boolean json, PrintWriter out) {
        if (pgdata == null) {
            throw new MooringException(ErrorCode.USAGE, "--pitr needs --pgdata, the new data directory to restore into");
        }
        Map<String, String> env = System.getenv();
        String password = env.getOrDefault("MOORING_PASSWORD", env.get("PGPASSWORD"));
        Redaction.register(password);
        PitrOptions options = PitrOptions.of(pgdata, target(), mooringCommand())
                .withPgBin(pgBin).withPort(port).withKeepRunning(keepRunning).withTimeout(timeout)
                .withUser(db.user == null ? "postgres" : db.user, password);
        if (pgBin == null) {
            options = options.withFallbackPgBin(EmbeddedPostgresServer.binaryDirectory());
        }
        BackupConfig config = backup.config(db.table);
        PitrResult result = PointInTimeRestore.create(config).restore(options);
        if (json) {
            Output.json(out, result);
        } else {
            Output.text(out, render(result));
        }
        return 0;
    }

    private RecoveryTarget target() {
        int given = (targetTime != null ? 1 : 0) + (targetLsn != null ? 1 : 0) + (target != null ? 1 : 0);
        if (given != 1) {
            throw new MooringException(ErrorCode.USAGE, "--pitr needs exactly one target: --target-time \"2026-12-01"
                    + " 10:15:00+00\", --target-lsn 0/3000148, or --target latest");
        }
        if (target != null && !target.equals("latest")) {
            throw new MooringException(ErrorCode.USAGE, "--target takes only latest; for a moment use --target-time, for"
                    + " a WAL position --target-lsn");
        }
        return targetTime != null ? RecoveryTarget.time(targetTime) : targetLsn != null ? RecoveryTarget.lsn(targetLsn)
                : RecoveryTarget.latest();
    }

    /** How PostgreSQL runs this same Mooring: this JVM's java, and this jar (or this classpath). */
    static List<String> mooringCommand() {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        try {
            Path jar = Path.of(MooringCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
                return command;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: the class path below
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MooringCli.class.getName()));
        return command;
    }

    static String render(PitrResult r) {
        StringBuilder text = new StringBuilder();
        r.warnings().forEach(w -> text.append("warning: ").append(w).append('\n'));
        text.append("Restored ").append(r.pgdata()).append(" from base backup ").append(r.baseBackup())
                .append(" to ").append(r.target()).append(" in ").append(Durations.format(Duration.ofMillis(r.durationMs())))
                .append('\n');
        if (r.recoveryEnd() != null) {
            text.append("  recovery: ").append(r.recoveryEnd()).append('\n');
        }
        text.append("  WAL files restored: ").append(r.walFilesRestored()).append(", last transaction: ")
                .append(r.recoveredTo() == null ? "unknown" : r.recoveredTo()).append('\n');
        text.append("  server: ").append(r.running() ? "running on localhost:" + r.port() + " (PostgreSQL programs in "
                + r.pgBin() + ")" : "stopped; start it with: "
                + dev.mooring.backup.internal.pitr.RecoveryServer.pgCtlCommand(r.pgBin(), r.pgdata(), "start"))
                .append("\n  log: ").append(r.logFile()).append('\n');
        TextTable table = new TextTable("Database", "Table", "Rows");
        new TreeMap<>(r.databases()).forEach((db, tables) -> new TreeMap<>(tables).forEach((t, n) -> table.row(db, t, n)));
        r.schemaVersions().forEach((db, v) -> text.append("  schema version of ").append(db).append(": ").append(v).append('\n'));
        text.append('\n').append(table);
        return text.toString().stripTrailing();
    }
}
