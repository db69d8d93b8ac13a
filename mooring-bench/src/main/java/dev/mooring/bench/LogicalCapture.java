package dev.mooring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.core.DatabaseUrl;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import javax.sql.DataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A prototype of change capture by logical decoding, for {@link ServerCaptureBench} to measure against the capture
 * triggers (issue 18): {@code pgoutput} (protocol 1) through pgjdbc's replication API on a slot of its own, a
 * publication of one table with {@code REPLICA IDENTITY FULL} (an update's old row is what gives its changed columns,
 * as the trigger's transition table does), and the table's capture triggers disabled. One thread reads the stream
 * and writes each change into {@code mooring.change_log} and {@code mooring.column_versions} as the triggers would
 * (the server's clock, origin {@code server}, source {@code api}, the owner as audience), the changes of every
 * transaction that has arrived written by one statement, then confirms the stream up to the last of them.
 *
 * <p>Not Mooring's capture: a measurement of what the work would cost. It does not carry a pushing session's node, HLC
 * or relays (those would travel as transactional logical messages), does not handle an update that changes the id,
 * truncation, TOAST values left out of an update, or a batch that writes one row twice, and a row's values keep
 * PostgreSQL's text form (a timestamp is not converted to {@code to_jsonb}'s ISO form).
 */
final class LogicalCapture implements AutoCloseable {
    private static final String SLOT = "mooring_bench_capture";
    private static final String PUBLICATION = "mooring_bench_capture";
    private static final String WRITE = """
            WITH x AS MATERIALIZED (
                SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(op text, id text, o jsonb, n jsonb, cols text[])),
            captured AS (
                INSERT INTO mooring.change_log (table_name, record_id, operation, old_row, new_row, changed_columns,
                                                hlc, origin_node, user_id, audience, source)
                SELECT ?, id, op, o, n, coalesce(cols, '{}'), mooring.server_hlc(), 'server', NULL,
                       coalesce(coalesce(n, o) ->> ?, ''), 'api'
                  FROM x
                RETURNING seq, record_id, hlc, operation, changed_columns),
            kept AS (
                INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc, base_hlc, last_seq)
                SELECT ?, record_id,
                       CASE WHEN operation = 'insert' THEN '{}'
                            ELSE jsonb_object(changed_columns, array_fill(hlc, ARRAY[cardinality(changed_columns)])) END,
                       hlc, CASE WHEN operation = 'insert' THEN hlc END, seq
                  FROM captured WHERE operation <> 'delete'
                ON CONFLICT (table_name, record_id) DO UPDATE
                    SET column_hlcs = CASE WHEN EXCLUDED.base_hlc IS NOT NULL THEN EXCLUDED.column_hlcs
                                           ELSE v.column_hlcs || EXCLUDED.column_hlcs END,
                        row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc),
                        base_hlc = coalesce(EXCLUDED.base_hlc, v.base_hlc), last_seq = EXCLUDED.last_seq)
            DELETE FROM mooring.column_versions v
             WHERE v.table_name = ? AND v.record_id = ANY (ARRAY(SELECT record_id FROM captured WHERE operation = 'delete'))
            """;

    private record Relation(String[] names, int[] types) {
    }

    private final String table;
    private final String audience;
    private final Connection replication;
    private final PGReplicationStream stream;
    private final Connection writer;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Relation> relations = new HashMap<>();
    private final AtomicLong logged = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Exception failure;

    private LogicalCapture(String table, String audience, Connection replication, PGReplicationStream stream,
                           Connection writer) {
        this.table = table;
        this.audience = audience;
        this.replication = replication;
        this.stream = stream;
        this.writer = writer;
        this.thread = new Thread(this::run, "logical-capture");
        thread.setDaemon(true);
    }

    /**
     * Switches {@code table} of the database {@code url} names (sync installed, the table synced) from its capture
     * triggers to logical decoding, and starts reading. The server must run with {@code wal_level = logical}.
     */
    static LogicalCapture start(DataSource dataSource, DatabaseUrl url, String table, String audience)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String trigger : List.of("mooring_capture_insert", "mooring_capture_update", "mooring_capture_delete")) {
                s.execute("ALTER TABLE " + table + " DISABLE TRIGGER " + trigger);
            }
            s.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
            s.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + table);
        }
        Properties props = new Properties();
        PGProperty.USER.set(props, url.user());
        if (url.password() != null) {
            PGProperty.PASSWORD.set(props, url.password());
        }
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        Connection replication = DriverManager.getConnection(url.jdbcUrl(), props);
        PGConnection pg = replication.unwrap(PGConnection.class);
        pg.getReplicationAPI().createReplicationSlot().logical().withSlotName(SLOT).withOutputPlugin("pgoutput").make();
        PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical().withSlotName(SLOT)
                .withSlotOption("proto_version", "1").withSlotOption("publication_names", PUBLICATION)
                .withStatusInterval(1, TimeUnit.SECONDS).start();
        Connection writer = dataSource.getConnection();
        LogicalCapture capture = new LogicalCapture(table, audience, replication, stream, writer);
        capture.thread.start();
        return capture;
    }

    /** How many changes it has written to the change log. */
    long logged() {
        return logged.get();
    }

    /** Waits until it has written {@code count} changes in all. */
    void awaitLogged(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (logged.get() < count) {
            if (failure != null) {
                throw new IllegalStateException("the logical capture failed: " + failure.getMessage(), failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the logical capture logged " + logged.get() + " of " + count
                        + " changes in 5 minutes");
            }
            Thread.sleep(0, 200_000);
        }
    }

    private void run() {
        ArrayNode pending = JsonNodeFactory.instance.arrayNode();
        ArrayNode transaction = JsonNodeFactory.instance.arrayNode();
        LogSequenceNumber committed = null;
        try {
            while (!closing) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (!pending.isEmpty()) {
                        write(pending);
                        pending = JsonNodeFactory.instance.arrayNode();
                    }
                    if (committed != null) {
                        stream.setAppliedLSN(committed);
                        stream.setFlushedLSN(committed);
                        committed = null;
                    }
                    // nothing has arrived: wait for the next message (at most a status interval)
                    message = stream.read();
                    if (message == null) {
                        continue;
                    }
                }
                char kind = (char) message.get();
                switch (kind) {
                    case 'R' -> relation(message);
                    case 'I' -> change(message, "insert", transaction);
                    case 'U' -> change(message, "update", transaction);
                    case 'D' -> change(message, "delete", transaction);
                    case 'C' -> {
                        pending.addAll(transaction);
                        transaction.removeAll();
                        committed = stream.getLastReceiveLSN();
                        if (pending.size() >= 1_000) {
                            write(pending);
                            pending = JsonNodeFactory.instance.arrayNode();
                        }
                    }
                    default -> {
                        // B(egin), O(rigin), Y(type), T(runcate): nothing to log here
                    }
                }
            }
        } catch (Exception e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    private void write(ArrayNode changes) throws SQLException, IOException {
        try (PreparedStatement ps = writer.prepareStatement(WRITE)) {
            ps.setString(1, json.writeValueAsString(changes));
            ps.setString(2, table);
            ps.setString(3, audience);
            ps.setString(4, table);
            ps.setString(5, table);
            ps.execute();
        }
        logged.addAndGet(changes.size());
    }

    private void relation(ByteBuffer m) {
        int id = m.getInt();
        string(m); // namespace
        string(m); // name
        m.get(); // replica identity
        int columns = m.getShort();
        String[] names = new String[columns];
        int[] types = new int[columns];
        for (int i = 0; i < columns; i++) {
            m.get(); // flags
            names[i] = string(m);
            types[i] = m.getInt();
            m.getInt(); // type modifier
        }
        relations.put(id, new Relation(names, types));
    }

    private void change(ByteBuffer m, String operation, ArrayNode transaction) {
        Relation relation = relations.get(m.getInt());
        ObjectNode oldRow = null;
        ObjectNode newRow = null;
        char part = (char) m.get();
        if (part == 'O' || part == 'K') {
            oldRow = tuple(m, relation);
            if (operation.equals("update")) {
                part = (char) m.get();
            }
        }
        if (part == 'N') {
            newRow = tuple(m, relation);
        }
        ObjectNode change = transaction.addObject().put("op", operation);
        ObjectNode before = oldRow;
        ObjectNode after = newRow;
        ObjectNode row = after != null ? after : before;
        change.set("id", row.get("id"));
        change.set("o", operation.equals("insert") ? null : oldRow);
        change.set("n", newRow);
        if (operation.equals("update")) {
            TreeSet<String> changed = new TreeSet<>();
            after.fieldNames().forEachRemaining(name -> {
                if (!after.get(name).equals(before.get(name))) {
                    changed.add(name);
                }
            });
            if (changed.isEmpty()) {
                transaction.remove(transaction.size() - 1);
                return;
            }
            ArrayNode cols = change.putArray("cols");
            changed.forEach(cols::add);
        }
    }

    private ObjectNode tuple(ByteBuffer m, Relation relation) {
        int columns = m.getShort();
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns; i++) {
            char kind = (char) m.get();
            if (kind == 'n') {
                row.putNull(relation.names()[i]);
            } else if (kind == 't') {
                byte[] bytes = new byte[m.getInt()];
                m.get(bytes);
                row.set(relation.names()[i], value(relation.types()[i], new String(bytes, StandardCharsets.UTF_8)));
            }
            // 'u': an unchanged TOAST value, not sent; the prototype leaves it out
        }
        return row;
    }

    /** A value in PostgreSQL's text form as JSON: numbers, booleans and JSON as themselves, the rest as text. */
    private JsonNode value(int type, String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (type) {
            case 20, 21, 23 -> f.numberNode(Long.parseLong(text));
            case 700, 701, 1700 -> f.numberNode(new BigDecimal(text));
            case 16 -> f.booleanNode(text.equals("t"));
            case 114, 3802 -> {
                try {
                    yield json.readTree(text);
                } catch (IOException e) {
                    yield f.textNode(text);
                }
            }
            default -> f.textNode(text);
        };
    }

    private static String string(ByteBuffer m) {
        int start = m.position();
        while (m.get() != 0) {
            // to the terminating zero
        }
        byte[] bytes = new byte[m.position() - start - 1];
        m.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        closing = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        stream.close();
        replication.close();
        try (Statement s = writer.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('" + SLOT + "')");
        } finally {
            writer.close();
        }
    }
}
