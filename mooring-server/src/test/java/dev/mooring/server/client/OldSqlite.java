package dev.mooring.server.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes to a database through an older sqlite-jdbc than the one on the class path, in a process of its own (the
 * jars are copied into {@code target/old-sqlite} by the build): how an app or a shell writes a client database
 * through an older SQLite library. A separate process, as in life: two SQLite libraries in one process do not see
 * each other's file locks.
 */
final class OldSqlite {
    private OldSqlite() {
    }

    /**
     * Runs {@code sql} on {@code database} with sqlite-jdbc {@code version}; returns the {@code sqlite_version()} it
     * ran on.
     */
    static String execute(String version, Path database, String sql) throws IOException, InterruptedException {
        String dir = System.getProperty("mooring.test.oldSqliteDir");
        if (dir == null) {
            throw new IllegalStateException("mooring.test.oldSqliteDir is not set: run this test through Maven, which"
                    + " copies the old sqlite-jdbc jars into target/old-sqlite");
        }
        Path jar = Path.of(dir, "sqlite-jdbc-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mooring-server/pom.xml)");
        }
        String classes;
        try {
            classes = Path.of(OldSqlite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar + java.io.File.pathSeparator + classes, OldSqlite.class.getName(),
                database.toAbsolutePath().toString(), sql)).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the writer on sqlite-jdbc " + version + " did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the writer on sqlite-jdbc " + version + " failed: " + out);
        }
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    /** The writer process: runs the statement, prints the SQLite version. */
    public static void main(String[] args) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.executeUpdate(args[1]);
            System.out.println(version(c));
        }
    }

    static String version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
