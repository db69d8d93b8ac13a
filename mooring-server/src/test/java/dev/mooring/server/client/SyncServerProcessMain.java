package dev.mooring.server.client;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncedTable;

/**
 * A sync server in a process of its own, for the simulation with several instances ({@link SimulatedServers}): the
 * notes and tags of {@link ClientFixture} on an installed database, as {@code mooring server} serves them. Arguments:
 * JDBC URL, user, port (0 for any). Prints {@code LISTENING <port>} once it serves, then runs until killed.
 */
public final class SyncServerProcessMain {
    private SyncServerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setMaximumPoolSize(4);
        pool.setPoolName("sim-server-process");
        HikariDataSource ds = new HikariDataSource(pool);
        SyncServer server = SyncServer.start(ds, SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags")),
                ServerOptions.defaults().withPort(Integer.parseInt(args[2])));
        System.out.println("LISTENING " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
