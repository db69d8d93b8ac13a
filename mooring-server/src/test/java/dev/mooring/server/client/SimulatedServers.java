package dev.mooring.server.client;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The sync servers of a simulation, all on its one database: one in this JVM, or two instances — one here and one in
 * a process of its own ({@link SyncServerProcessMain}) — with devices spread over them. A restart stops the one here
 * gracefully and starts it on a new port; with two instances it kills the process with SIGKILL while a request may
 * be in flight and starts a new one on the same port. Not thread-safe.
 */
final class SimulatedServers implements AutoCloseable {
    private final DataSource database;
    private final SyncConfig config;
    private final boolean twoInstances;
    private SyncServer local;
    private HikariDataSource localPool;
    private Process other;
    private int otherPort;

    private SimulatedServers(DataSource database, SyncConfig config, boolean twoInstances) {
        this.database = database;
        this.config = config;
        this.twoInstances = twoInstances;
    }

    static SimulatedServers one(DataSource database, SyncConfig config) {
        SimulatedServers servers = new SimulatedServers(database, config, false);
        servers.startLocal();
        return servers;
    }

    static SimulatedServers twoInstances(DataSource database, SyncConfig config) throws Exception {
        SimulatedServers servers = new SimulatedServers(database, config, true);
        servers.startLocal();
        servers.startOther(0);
        return servers;
    }

    /** The server device number {@code device} talks to. */
    URI uriFor(int device) {
        return twoInstances && device % 2 == 1 ? URI.create("http://localhost:" + otherPort) : local.uri();
    }

    boolean twoInstances() {
        return twoInstances;
    }

    /** Stops and starts the one server here (its URL changes: transports must be made anew). */
    void restartLocal() {
        local.close();
        localPool.close();
        startLocal();
    }

    /** Kills the other instance with SIGKILL after {@code delayMillis}, without waiting; {@link #revive} restarts it. */
    void killOtherAfter(long delayMillis) {
        Process victim = other;
        Thread killer = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            victim.destroyForcibly();
        }, "sim-kill");
        killer.setDaemon(true);
        killer.start();
    }

    /** Waits for the killed instance to be gone and starts a new one on its port. */
    void revive() throws Exception {
        if (!other.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed server process did not end");
        }
        startOther(otherPort);
    }

    private void startLocal() {
        localPool = Simulation.pool(database, 4, "sim-server");
        local = SyncServer.start(localPool, config, ServerOptions.defaults().withPort(0));
    }

    private void startOther(int port) throws Exception {
        String url;
        String user;
        try (Connection c = database.getConnection()) {
            url = c.getMetaData().getURL();
            user = c.getMetaData().getUserName();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SyncServerProcessMain.class.getName(), url, user,
                Integer.toString(port)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder said = new StringBuilder();
        while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
            said.append(line).append('\n');
        }
        if (line == null) {
            throw new IllegalStateException("the server process ended before it listened:\n" + said);
        }
        otherPort = Integer.parseInt(line.substring("LISTENING ".length()).strip());
        // keep reading what it prints, so a full pipe never blocks it
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "sim-server-output");
        drain.setDaemon(true);
        drain.start();
    }

    @Override
    public void close() {
        if (other != null) {
            other.destroyForcibly();
        }
        local.close();
        localPool.close();
    }
}
