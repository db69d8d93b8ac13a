package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.internal.file.SegmentedOutput;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a backup with an installed {@code pg_dump} (plain format, no owners; privileges unless asked not to) instead
 * of the built-in engine. Mooring holds a snapshot open, hands it to pg_dump with {@code --snapshot}, and computes the manifest's
 * row counts and checksums in that same snapshot while pg_dump runs. The password reaches pg_dump through
 * {@code PGPASSWORD}, never its command line. Single use, not thread-safe.
 */
public final class PgDumpEngine {
    /** Names the pg_dump to use instead of the first one on {@code PATH}. */
    public static final String PG_DUMP_VARIABLE = "MOORING_PG_DUMP";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private final DatabaseUrl url;
    private final Map<String, String> environment;
    private final boolean privileges;
    private final BackupProgress progress;

    public PgDumpEngine(DatabaseUrl url, Map<String, String> environment, boolean privileges, BackupProgress progress) {
        this.url = url;
        this.environment = environment;
        this.privileges = privileges;
        this.progress = progress;
    }

    public PostgresDumpResult writeTo(SegmentedOutput out) {
        Path pgDump = locate();
        String toolVersion = toolVersion(pgDump);
        try (Connection c = url.toDataSource().getConnection()) {
            c.setAutoCommit(false);
            String serverVersion;
            int serverVersionNum;
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version'),"
                        + " current_setting('server_version_num')::int")) {
                    rs.next();
                    serverVersion = rs.getString(1);
                    serverVersionNum = rs.getInt(2);
                }
            }
            checkVersion(pgDump, toolVersion, serverVersion, serverVersionNum);
            String snapshot;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                snapshot = rs.getString(1);
            }
            List<String> schemas = schemas(c);
            Process process = start(pgDump, snapshot);
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            long bytes;
            try (InputStream dump = process.getInputStream(); OutputStream segment = out.openSegment()) {
                // pg_dump's output is copied while the summaries run in this session's snapshot, the one pg_dump reads.
                CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> transfer(dump, segment));
                List<TableSummary> tables = PostgresDump.summarize(c);
                bytes = join(copy);
                int exit = process.waitFor();
                if (exit != 0) {
                    throw new MooringException(ErrorCode.EXTERNAL_TOOL, pgDump + " failed (exit " + exit + "): "
                            + Redaction.redact(errors.join().strip()));
                }
                progress.advanced(tables.stream().mapToLong(TableSummary::rows).sum(), bytes);
                tables.forEach(progress::tableDone);
                c.rollback();
                return new PostgresDumpResult(serverVersion, serverVersionNum, schemas, tables);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not read " + url.redacted() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not run " + pgDump + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, "Interrupted while pg_dump ran.", e);
        }
    }

    /** The pg_dump to run: {@code $MOORING_PG_DUMP}, else the first on {@code PATH}. */
    Path locate() {
        String explicit = environment.get(PG_DUMP_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, PG_DUMP_VARIABLE + "=" + explicit
                    + " is not an executable file.");
        }
        for (String dir : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "pg_dump");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new MooringException(ErrorCode.EXTERNAL_TOOL, "--engine pg_dump needs pg_dump, and none is on PATH."
                + " Install the PostgreSQL client tools (at least the server's version), set " + PG_DUMP_VARIABLE
                + ", or use the built-in engine (the default), which needs no client tools.");
    }

    private static String toolVersion(Path pgDump) {
        try {
            Process p = new ProcessBuilder(pgDump.toString(), "--version").redirectErrorStream(true).start();
            String text = drain(p.getInputStream()).strip();
            p.waitFor();
            return text;
        } catch (IOException e) {
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, "Could not run " + pgDump + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, "Interrupted while asking pg_dump for its version.", e);
        }
    }

    /** pg_dump refuses servers newer than itself; say so before it does, with the version needed. */
    static void checkVersion(Path pgDump, String toolVersion, String serverVersion, int serverVersionNum) {
        Matcher m = VERSION.matcher(toolVersion);
        if (!m.find()) {
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, pgDump + " --version printed '" + toolVersion
                    + "', which is not a pg_dump version.");
        }
        int toolMajor = Integer.parseInt(m.group(1));
        int serverMajor = serverVersionNum / 10000;
        if (toolMajor < serverMajor) {
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, pgDump + " is version " + m.group(1)
                    + (m.group(2) == null ? "" : "." + m.group(2)) + ", older than the server (PostgreSQL " + serverVersion
                    + "), and cannot dump it. Install pg_dump " + serverMajor + " or newer and put it first on PATH or set "
                    + PG_DUMP_VARIABLE + ", or use the built-in engine (the default), which needs no client tools.");
        }
    }

    private Process start(Path pgDump, String snapshot) throws IOException {
        URI uri = URI.create(url.jdbcUrl().substring("jdbc:".length()));
        List<String> command = new ArrayList<>(List.of(pgDump.toString(), "--format=plain", "--no-owner",
                "--snapshot=" + snapshot, "--encoding=UTF8",
                "--host=" + (uri.getHost() == null ? "localhost" : uri.getHost()),
                "--port=" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
                "--dbname=" + uri.getPath().substring(1)));
        if (url.user() != null) {
            command.add("--username=" + url.user());
        }
        if (!privileges) {
            command.add("--no-privileges");
        }
        command.add("--no-password");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("PGPASSWORD");
        if (url.password() != null) {
            env.put("PGPASSWORD", url.password());
        }
        return builder.start();
    }

    private static List<String> schemas(Connection c) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace"
                + " WHERE nspname <> 'information_schema' AND nspname !~ '^pg_' ORDER BY nspname")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    private static long transfer(InputStream in, OutputStream out) {
        try {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long join(CompletableFuture<Long> copy) throws IOException {
        try {
            return copy.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException) {
                throw ((java.io.UncheckedIOException) e.getCause()).getCause();
            }
            throw e;
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
