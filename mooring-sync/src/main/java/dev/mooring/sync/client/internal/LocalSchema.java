package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Installs sync support in a client's SQLite database: the bookkeeping tables, the status columns of every synced
 * table, and the capture triggers. Idempotent: run on every open, it adds what is missing and regenerates the
 * triggers of a table whose columns changed (a client migration added one, or rebuilt the table). Stateless.
 *
 * <p>Bookkeeping: {@code sync_state} (one row: node id, the hybrid logical clock, the pull cursor, the next push
 * sequence, the {@code applying} flag that keeps the triggers from capturing the sync's own writes, and
 * {@code clock_offset_ms}, added to the device's wall clock: 0, except in tests that skew a client's clock),
 * {@code sync_queue} (the outbox: this node's changes, and with an {@code origin_node} the changes of other nodes
 * it relays for them, learned from a peer), {@code peer_origins} (for each node whose changes this one relayed, the
 * highest sequence the server has answered), {@code sync_log}, {@code record_sync_status}, {@code sync_tables} (which tables
 * have capture, with which columns) and {@code local_packages} (the data packages imported, see
 * {@code PackageImporter}) and {@code peer_pending} (what peers sent for tables and columns this database does not
 * have yet, see {@link PeerPending}).
 */
public final class LocalSchema {
    static final String STATUS = "sync_status";
    static final String LAST_MODIFIED = "last_modified";
    static final String TOMBSTONE = "deleted_at";

    private static final String BOOKKEEPING = """
            CREATE TABLE IF NOT EXISTS sync_state (
                id              INTEGER PRIMARY KEY CHECK (id = 1),
                node_id         TEXT    NOT NULL,
                physical_ms     INTEGER NOT NULL DEFAULT 0,
                counter         INTEGER NOT NULL DEFAULT 0,
                applying        INTEGER NOT NULL DEFAULT 0,
                cursor          TEXT,
                next_client_seq INTEGER NOT NULL DEFAULT 1,
                clock_offset_ms INTEGER NOT NULL DEFAULT 0,
                user_id         TEXT
            );
            CREATE TABLE IF NOT EXISTS sync_queue (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                operation   TEXT    NOT NULL,
                table_name  TEXT    NOT NULL,
                record_id   TEXT    NOT NULL,
                payload     TEXT,
                changed     TEXT,
                hlc         TEXT    NOT NULL,
                basis       TEXT,
                state       TEXT    NOT NULL DEFAULT 'pending',
                client_seq  INTEGER,
                retry_count INTEGER NOT NULL DEFAULT 0,
                last_error  TEXT,
                origin_node TEXT
            );
            CREATE UNIQUE INDEX IF NOT EXISTS sync_queue_origin_seq ON sync_queue (ifnull(origin_node, ''), client_seq)
                WHERE client_seq IS NOT NULL;
            CREATE TABLE IF NOT EXISTS peer_origins (
                node_id          TEXT    PRIMARY KEY,
                acknowledged_seq INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sync_log (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                type        TEXT    NOT NULL,
                started_at  TEXT    NOT NULL,
                finished_at TEXT,
                status      TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
                pulled      INTEGER NOT NULL DEFAULT 0,
                pushed      INTEGER NOT NULL DEFAULT 0,
                conflicts   INTEGER NOT NULL DEFAULT 0,
                rejected    INTEGER NOT NULL DEFAULT 0,
                error       TEXT
            );
            CREATE TABLE IF NOT EXISTS record_sync_status (
                table_name          TEXT NOT NULL,
                record_id           TEXT NOT NULL,
                last_synced_at      TEXT,
                local_updated       TEXT,
                server_updated      TEXT,
                conflict_rule       TEXT,
                conflict_resolution TEXT,
                conflict_at         TEXT,
                PRIMARY KEY (table_name, record_id)
            );
            CREATE INDEX IF NOT EXISTS record_sync_status_conflicts ON record_sync_status (conflict_at)
                WHERE conflict_at IS NOT NULL;
            CREATE TABLE IF NOT EXISTS sync_tables (
                table_name   TEXT PRIMARY KEY,
                columns      TEXT NOT NULL,
                installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE TABLE IF NOT EXISTS local_packages (
                id          TEXT    PRIMARY KEY,
                type        TEXT    NOT NULL,
                version     INTEGER NOT NULL,
                imported_at TEXT    NOT NULL,
                size        INTEGER NOT NULL,
                source      TEXT    NOT NULL CHECK (source IN ('download', 'import', 'share')),
                manifest    TEXT    NOT NULL,
                file        TEXT
            )
            """;

    private LocalSchema() {
    }

    /**
     * Installs or updates sync support in one transaction and returns the synced tables as they now are.
     *
     * @param nodeId the node id to record on first install; {@code null} to generate one
     * @throws MooringException {@code CONFIGURATION} naming a synced table that does not exist, has no text
     *                          {@code id} primary key, or was given another node id before
     */
    public static Map<String, LocalTable> install(Connection c, List<String> tables, String nodeId) throws SQLException {
        Transactions.immediate(c, () -> {
            upgradeOutbox(c);
            upgradeOutboxOrigins(c);
            try (Statement s = c.createStatement()) {
                for (String ddl : BOOKKEEPING.split(";\n")) {
                    s.execute(ddl);
                }
                s.execute(PeerPending.DDL);
            }
            addColumnIfMissing(c, "sync_state", "user_id TEXT");
            ensureState(c, nodeId);
            Map<String, String> installed = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT table_name, columns FROM sync_tables")) {
                while (rs.next()) {
                    installed.put(rs.getString(1), rs.getString(2));
                }
            }
            for (String table : tables) {
                installTable(c, table, installed.get(table));
            }
            for (String gone : installed.keySet()) {
                if (!tables.contains(gone)) {
                    CaptureTriggers.drop(c, gone);
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_tables WHERE table_name = ?")) {
                        ps.setString(1, gone);
                        ps.executeUpdate();
                    }
                }
            }
            return null;
        });
        Map<String, LocalTable> result = new LinkedHashMap<>();
        for (String table : tables) {
            result.put(table, LocalTable.describe(c, table));
        }
        return result;
    }

    private static void ensureState(Connection c, String nodeId) throws SQLException {
        String existing = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT node_id FROM sync_state")) {
            if (rs.next()) {
                existing = rs.getString(1);
            }
        }
        if (existing == null) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_state (id, node_id) VALUES (1, ?)")) {
                ps.setString(1, nodeId != null ? nodeId : UUID.randomUUID().toString());
                ps.executeUpdate();
            }
        } else if (nodeId != null && !nodeId.equals(existing)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "This database belongs to node " + existing
                    + ", not " + nodeId + "; a node id cannot change once it has synced. Leave the node id unset or"
                    + " use " + existing + ".");
        }
        // a crash in the middle of applying leaves nothing behind (the transaction rolls back), but be certain
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sync_state SET applying = 0 WHERE applying <> 0");
        }
    }

    private static void installTable(Connection c, String table, String installedColumns) throws SQLException {
        LocalTable before = LocalTable.describe(c, table);
        if (before == null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Synced table " + table + " does not exist in the"
                    + " client database; create it with a client migration, or remove it from the synced tables.");
        }
        if (!before.hasTextId()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Synced table " + table + " needs a primary key column"
                    + " named id holding text (a uuid): ids are generated by clients so nothing is renumbered on sync.");
        }
        boolean statusAdded = false;
        try (Statement s = c.createStatement()) {
            if (!before.allColumns().contains(STATUS)) {
                // the default is what an application's INSERT gets: a new local row waits for upload
                s.execute("ALTER TABLE " + Sql.quote(table) + " ADD COLUMN " + STATUS + " TEXT NOT NULL DEFAULT"
                        + " 'pending_upload' CHECK (" + STATUS + " IN ('synced', 'pending_upload', 'pending_delete'))");
                statusAdded = true;
            }
            if (!before.allColumns().contains(LAST_MODIFIED)) {
                s.execute("ALTER TABLE " + Sql.quote(table) + " ADD COLUMN " + LAST_MODIFIED + " TEXT");
            }
            if (!before.allColumns().contains(TOMBSTONE)) {
                s.execute("ALTER TABLE " + Sql.quote(table) + " ADD COLUMN " + TOMBSTONE + " TEXT");
            }
        }
        LocalTable now = LocalTable.describe(c, table);
        String columns = String.join(",", now.columns());
        if (installedColumns == null) {
            // rows that were there before sync was installed are local data the server has never seen
            enqueueExisting(c, now);
        } else if (statusAdded) {
            // the table was rebuilt by a migration that dropped the status column: its rows were synced unless the
            // outbox says otherwise
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.quote(table) + " SET " + STATUS
                    + " = 'synced' WHERE CAST(id AS TEXT) NOT IN (SELECT record_id FROM sync_queue WHERE table_name = ?)")) {
                ps.setString(1, table);
                ps.executeUpdate();
            }
        }
        if (!columns.equals(installedColumns) || !CaptureTriggers.current(c, now)) {
            CaptureTriggers.drop(c, table);
            CaptureTriggers.create(c, now);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_tables (table_name, columns) VALUES (?, ?)"
                + " ON CONFLICT (table_name) DO UPDATE SET columns = excluded.columns")) {
            ps.setString(1, table);
            ps.setString(2, columns);
            ps.executeUpdate();
        }
    }

    /**
     * Rebuilds an outbox made by an earlier version: one whose {@code UNIQUE} client sequence put an index entry for
     * every captured write, or whose CHECK constraints on {@code operation} and {@code state} cost every captured write
     * about a fifth of its time (measured; only this package writes those columns, always with literals). The entries
     * move over unchanged, with their numbers.
     */
    private static void upgradeOutbox(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sync_queue'")) {
            if (!rs.next() || !(rs.getString(1).contains("client_seq  INTEGER UNIQUE") || rs.getString(1).contains("CHECK"))) {
                return;
            }
        }
        List<String> kept = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('sync_queue') ORDER BY cid")) {
            while (rs.next()) {
                kept.add(rs.getString(1)); // every column of an earlier outbox is one of this version's
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE sync_queue RENAME TO sync_queue_old");
            s.execute(BOOKKEEPING.substring(BOOKKEEPING.indexOf("CREATE TABLE IF NOT EXISTS sync_queue"),
                    BOOKKEEPING.indexOf(";\n", BOOKKEEPING.indexOf("CREATE TABLE IF NOT EXISTS sync_queue"))));
            String columns = String.join(", ", kept);
            s.execute("INSERT INTO sync_queue (" + columns + ") SELECT " + columns + " FROM sync_queue_old");
            // outbox numbers keep growing from where they were, as if the table had never been rebuilt
            s.execute("DELETE FROM sqlite_sequence WHERE name = 'sync_queue'");
            s.execute("UPDATE sqlite_sequence SET name = 'sync_queue' WHERE name = 'sync_queue_old'");
            s.execute("DROP TABLE sync_queue_old"); // and its indexes: the install creates this version's
        }
    }

    /** Adds a bookkeeping column that a database made by an earlier version lacks. */
    private static void addColumnIfMissing(Connection c, String table, String column) throws SQLException {
        String name = column.substring(0, column.indexOf(' '));
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?")) {
            ps.setString(1, table);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN " + column);
        }
    }

    /**
     * Gives an outbox made before peer exchange its {@code origin_node} column (every entry there is this node's own)
     * and makes its client sequence unique per origin rather than overall: a relay keeps its origin's number.
     */
    private static void upgradeOutboxOrigins(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(CASE WHEN name = 'origin_node' THEN 1 END), count(*)"
                     + " FROM pragma_table_info('sync_queue')")) {
            if (!rs.next() || rs.getInt(2) == 0 || rs.getInt(1) == 1) {
                return; // a new database, or one upgraded already
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE sync_queue ADD COLUMN origin_node TEXT");
            s.execute("DROP INDEX IF EXISTS sync_queue_client_seq");
        }
    }

    private static void enqueueExisting(Connection c, LocalTable table) throws SQLException {
        String hlc = ClientState.tick(c).toString();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_queue (operation, table_name, record_id,"
                + " hlc, basis) SELECT 'insert', ?, CAST(id AS TEXT), ?, (SELECT cursor FROM sync_state) FROM "
                + Sql.quote(table.name()) + " WHERE " + STATUS
                + " = 'pending_upload' ORDER BY rowid")) {
            ps.setString(1, table.name());
            ps.setString(2, hlc);
            ps.executeUpdate();
        }
    }
}
