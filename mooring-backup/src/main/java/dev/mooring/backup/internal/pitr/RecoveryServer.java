package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL server started with {@code pg_ctl} on a restored data directory to recover it: listening on
 * localhost only, on a given port, logging to a file. PostgreSQL refuses to run as root; when this JVM is root (a
 * container), the server runs in a user namespace ({@code unshare -U}), as the embedded servers do. Not thread-safe.
 */
public final class RecoveryServer {
    private final Path bin;
    private final Path pgdata;
    private final int port;
    private final Path log;
    private final Map<String, String> environment;

    private RecoveryServer(Path bin, Path pgdata, int port, Path log, Map<String, String> environment) {
        this.bin = bin;
        this.pgdata = pgdata;
        this.port = port;
        this.log = log;
        this.environment = environment;
    }

    /**
     * Starts the server and waits until it accepts connections (when recovery has made it consistent) or fails.
     *
     * @return the running server, or empty when it stopped on its own (its log says why)
     */
    public static RecoveryServer start(Path bin, Path pgdata, int port, boolean archiveOff, Path log, Duration timeout,
                                       Map<String, String> environment) {
        String options = "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=''"
                + (archiveOff ? " -c archive_mode=off" : "");
        RecoveryServer server = new RecoveryServer(bin, pgdata, port, log, environment);
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "start", "-D",
                pgdata.toString(), "-l", log.toString(), "-w", "-t", String.valueOf(Math.max(1, timeout.toSeconds())),
                "-o", options));
        int exit = server.run(command);
        if (exit != 0) {
            return null;
        }
        return server;
    }

    /** Connects to {@code database} on the server. */
    public Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, props);
    }

    /**
     * Waits until recovery ended and the server was promoted.
     *
     * @return true once promoted; false if the server stopped (recovery failed: see the log)
     */
    public boolean awaitPromotion(String user, String password, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!Files.exists(pgdata.resolve("postmaster.pid"))) {
                return false;
            }
            try (Connection c = connect("postgres", user, password); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return true;
                }
            } catch (SQLException e) {
                if ("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                    throw new MooringException(ErrorCode.CONNECTION, "the recovering server refused role " + user + ": "
                            + e.getMessage() + ". Give a role of the restored cluster with --user (its password in"
                            + " MOORING_PASSWORD or PGPASSWORD)", e);
                }
                // still starting up, or gone: the next turn tells
            }
            sleep();
        }
        throw new MooringException(ErrorCode.RESTORE_FAILED, "recovery did not finish within " + timeout.toMinutes()
                + " minutes; the server still runs on port " + port + " (see " + log + "): wait for it, or stop it with "
                + pgCtlCommand(bin, pgdata, "stop"));
    }

    /** Stops the server (fast shutdown) and waits for it. */
    public void stop() {
        int exit = run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", pgdata.toString(), "-m", "fast", "-w"));
        if (exit != 0) {
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, "pg_ctl stop failed for " + pgdata + " (see " + log + ")");
        }
    }

    public int port() {
        return port;
    }

    /** The last lines of the server's log, for error messages. */
    public static String logTail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private int run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (runsAsRoot()) {
            full.addAll(List.of("unshare", "-U"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".pg_ctl")
                        .toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new MooringException(ErrorCode.EXTERNAL_TOOL, "could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.RESTORE_FAILED, "interrupted while running " + command.get(0), e);
        }
    }

    /**
     * The shell command a person runs for {@code pg_ctl <action> -D <pgdata>} on a restored data directory: quoted,
     * and in a user namespace ({@code unshare -U}) when run as root, as this class runs it, since PostgreSQL refuses
     * to run as root.
     */
    public static String pgCtlCommand(Path bin, Path pgdata, String action) {
        List<String> words = new ArrayList<>();
        if (runsAsRoot()) {
            words.addAll(List.of("unshare", "-U"));
        }
        words.addAll(List.of(bin.resolve("pg_ctl").toString(), action, "-D", pgdata.toString()));
        return String.join(" ", words.stream().map(RecoveryServer::shellWord).toList());
    }

    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_@+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.RESTORE_FAILED, "interrupted while waiting for recovery", e);
        }
    }
}
