package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.SqlRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A client database in a real SQLite file with sync installed (bookkeeping, capture triggers), and one
 * {@link RemoteApply} over it, as a sync holds one: for tests of what the engine does with what the server sends,
 * without a server. A JUnit extension: register it with {@code @RegisterExtension}; each test gets a fresh database,
 * removed afterwards. {@code groups}, {@code events} and {@code notes} are synced; an event references its group
 * without cascade, a note its event with {@code ON DELETE CASCADE}. Foreign keys are enforced on this connection.
 */
final class ClientDatabase implements BeforeEachCallback, AfterEachCallback {
    static final String NODE = "node-a";
    private static final String[] DDL = {
            "CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE TABLE events (id TEXT PRIMARY KEY, title TEXT NOT NULL, group_id TEXT REFERENCES groups (id))",
            "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT,"
                    + " event_id TEXT REFERENCES events (id) ON DELETE CASCADE)"};

    Connection c;
    Map<String, LocalTable> tables;
    RemoteApply apply;
    private Path file;
    private long serverTime = 1_763_745_600_000L;
    private long seq;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        file = Files.createTempFile("mooring-client", ".db");
        c = DriverManager.getConnection("jdbc:sqlite:" + file);
        exec(DDL);
        exec("PRAGMA foreign_keys = ON");
        tables = LocalSchema.install(c, List.of("groups", "events", "notes"), NODE);
        apply = new RemoteApply(c, tables, Map.of());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try (Connection closing = c) {
            apply.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Column values, {@code column, value, …}; a null value is SQL NULL. */
    static Map<String, JsonNode> values(String... columnsAndValues) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            String value = columnsAndValues[i + 1];
            values.put(columnsAndValues[i], value == null ? NullNode.getInstance() : TextNode.valueOf(value));
        }
        return values;
    }

    /** A row as the server sends it in a change page: the columns given, {@code column, value, …}. */
    PulledChange upsert(String table, String id, String... columnsAndValues) {
        return new PulledChange(++seq, table, id, Operation.UPSERT, values(columnsAndValues), next(), "server");
    }

    /** The server's word that the row moved out of the user's view. */
    PulledChange remove(String table, String id) {
        return new PulledChange(++seq, table, id, Operation.REMOVE, Map.of(), next(), "server");
    }

    private Hlc next() {
        return Hlc.of(++serverTime, 0, "server");
    }

    /**
     * Applies one page as a sync does: in one transaction, capture off. Returns the rows it took off the device
     * ({@link RemoteApply#takeRemoved}).
     */
    Map<String, Set<String>> pull(PulledChange... page) throws SQLException {
        return Transactions.immediate(c, () -> {
            ClientState.applying(c, true);
            apply.applyPage(List.of(page), false);
            ClientState.applying(c, false);
            return apply.takeRemoved();
        });
    }

    /**
     * Freezes the pending changes into a batch, as a push does, and records {@code answer}'s results for it in one
     * transaction, capture off.
     */
    Outbox.Ack push(Function<List<RowChange>, List<ChangeResult>> answer) throws SQLException {
        Transactions.immediate(c, () -> Outbox.prepare(c, 100, tables));
        List<RowChange> sent = Outbox.batch(c, NODE, 100, Set.of());
        List<ChangeResult> results = answer.apply(sent);
        return Transactions.immediate(c, () -> {
            ClientState.applying(c, true);
            Outbox.Ack ack = Outbox.acknowledge(c, NODE, sent, results, apply);
            ClientState.applying(c, false);
            return ack;
        });
    }

    /** Runs statements as the application would, capture on. */
    void exec(String... sql) throws SQLException {
        SqlRows.exec(c, sql);
    }

    /** The rows of a query, each as its columns joined with {@code |}. */
    List<String> rows(String sql) throws SQLException {
        return SqlRows.rows(c, sql);
    }

}
