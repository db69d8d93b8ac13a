package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.RowChange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Schema, changes and reads shared by the sync server tests. */
final class SyncTestSupport {
    static final String SCHEMA = """
            CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, title text, body text,
                                deleted_at timestamptz);
            CREATE TABLE holidays (id text PRIMARY KEY, name text, deleted_at timestamptz);
            """;

    private SyncTestSupport() {
    }

    static SyncConfig config() {
        return SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.publicRead("holidays"));
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static Map<String, JsonNode> values(String... pairs) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1] == null ? JsonNodeFactory.instance.nullNode()
                    : JsonNodeFactory.instance.textNode(pairs[i + 1]));
        }
        return values;
    }

    static RowChange upsert(String node, long seq, long ms, String table, String id, String... pairs) {
        return new RowChange(table, id, Operation.UPSERT, values(pairs), new Hlc(ms, 0, node), node, seq);
    }

    static RowChange delete(String node, long seq, long ms, String table, String id) {
        return new RowChange(table, id, Operation.DELETE, Map.of(), new Hlc(ms, 0, node), node, seq);
    }

    /** Every page until nothing more is waiting; returns the changes and leaves the last cursor in {@code cursor[0]}. */
    static List<PulledChange> pullAll(SyncService sync, String user, String node, String[] cursor) {
        List<PulledChange> all = new ArrayList<>();
        PullResponse page;
        do {
            page = sync.pull(user, node, cursor[0], 2);
            all.addAll(page.changes());
            cursor[0] = page.nextCursor();
        } while (page.hasMore());
        return all;
    }
}
