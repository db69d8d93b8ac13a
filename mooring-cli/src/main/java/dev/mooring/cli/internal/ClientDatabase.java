package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client SQLite file that {@code mooring sync} and {@code mooring sync status} work on, and the tables it syncs.
 * A database that synced before lists its tables in {@code sync_tables}, so later commands need not name them.
 */
final class ClientDatabase {
    private ClientDatabase() {
    }

    /**
     * The tables sync is installed for in {@code db}, in the order they were installed; empty when the file does not
     * exist (it is not created) or never synced.
     */
    static List<String> syncedTables(Path db) {
        if (!Files.isRegularFile(db)) {
            return List.of();
        }
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_tables'")) {
                if (!rs.next()) {
                    return List.of();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM sync_tables ORDER BY rowid")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the synced tables of " + db + ": "
                    + e.getMessage(), e);
        }
        return tables;
    }

    /**
     * Checks that {@code db} is a file: commands that read or change a client database's sync state create none.
     *
     * @throws MooringException {@code USAGE} naming how to create one
     */
    static Path requireExisting(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new MooringException(ErrorCode.USAGE, "there is no client database at " + db + "; sync one first"
                    + " with mooring sync --db " + db + " --tables <a,b>.");
        }
        return db;
    }

    /**
     * Opens {@code db} as a sync client of {@code tables}, or of the tables it synced before when {@code tables} is
     * {@code null}.
     *
     * @param migrations the client's migrations, run first; {@code null} for none
     * @param nodeId     the node id for a database that never synced; {@code null} to generate one
     * @throws MooringException {@code USAGE} when no tables are named and the database has none
     */
    static SyncClient open(Path db, List<String> tables, MigrationConfig migrations, String nodeId, RetryPolicy retry) {
        return open(db, tables, migrations, nodeId, retry, null);
    }

    /**
     * As {@link #open(Path, List, MigrationConfig, String, RetryPolicy)}, asking the server for only the rows of
     * {@code subscription} (table → column → values; empty: everything), which the database then remembers;
     * {@code null} keeps the subscription it remembers.
     */
    static SyncClient open(Path db, List<String> tables, MigrationConfig migrations, String nodeId, RetryPolicy retry,
                           Map<String, Map<String, List<String>>> subscription) {
        List<String> synced = tables != null ? tables.stream().map(String::strip).toList() : syncedTables(db);
        if (synced.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, db + (Files.exists(db) ? " syncs no tables yet" : " does not"
                    + " exist yet") + ": name the tables to sync with --tables, e.g. mooring sync --db " + db
                    + " --tables events,groups (later commands on this database remember them).");
        }
        Map<String, Map<String, List<String>>> wanted = subscription != null ? subscription : subscription(db);
        SyncClient client = SyncClient.open(db, ClientConfig.of(synced.toArray(String[]::new)).withMigrations(migrations)
                .withNodeId(nodeId).withRetry(retry).withSubscription(wanted));
        if (subscription != null) {
            try (Connection c = client.connection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS sync_subscription (table_name TEXT NOT NULL, column_name TEXT NOT"
                        + " NULL, value TEXT NOT NULL)");
                s.execute("DELETE FROM sync_subscription");
                try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO sync_subscription VALUES (?, ?, ?)")) {
                    for (Map.Entry<String, Map<String, List<String>>> table : subscription.entrySet()) {
                        for (Map.Entry<String, List<String>> column : table.getValue().entrySet()) {
                            for (String value : column.getValue()) {
                                ps.setString(1, table.getKey());
                                ps.setString(2, column.getKey());
                                ps.setString(3, value);
                                ps.executeUpdate();
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                client.close();
                throw new MooringException(ErrorCode.DATABASE, "Could not remember the subscription in " + db + ": "
                        + e.getMessage(), e);
            }
        }
        return client;
    }

    /** The subscription {@code db} remembers ({@code mooring sync --subscribe}); empty for everything. */
    static Map<String, Map<String, List<String>>> subscription(Path db) {
        Map<String, Map<String, List<String>>> wanted = new java.util.TreeMap<>();
        if (!Files.isRegularFile(db)) {
            return wanted;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                    + " AND name = 'sync_subscription'")) {
                if (!rs.next()) {
                    return wanted;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT table_name, column_name, value FROM sync_subscription"
                    + " ORDER BY rowid")) {
                while (rs.next()) {
                    wanted.computeIfAbsent(rs.getString(1), t -> new java.util.TreeMap<>())
                            .computeIfAbsent(rs.getString(2), col -> new ArrayList<>()).add(rs.getString(3));
                }
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the subscription of " + db + ": "
                    + e.getMessage(), e);
        }
        return wanted;
    }
}
