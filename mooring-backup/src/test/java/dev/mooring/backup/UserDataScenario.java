package dev.mooring.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The data both dialects' tests export: two users across owned tables, a reachable chain two levels deep with a
 * composite key, a self-referencing table, an owned table that references another owned table, mixed-case quoted
 * names, an unrelated table, and Mooring's own tables that must stay out.
 */
final class UserDataScenario {
    static final String ALICE = "0190a0f1-0000-7000-8000-00000000000a";
    static final String BOB = "0190a0f1-0000-7000-8000-00000000000b";

    /** Parses exports exactly: decimals stay {@code BigDecimal}s. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** Rows that are the same in both dialects (everything but the value-type table). */
    static final String COMMON_DATA = """
            INSERT INTO shares VALUES (1, 'ALICE', 10, 'edit');
            INSERT INTO shares VALUES (2, 'BOB', 10, 'view');
            INSERT INTO shares VALUES (3, 'BOB', 20, 'view');
            INSERT INTO reminder_tags VALUES (10, 'home'), (10, 'work'), (20, 'home');
            INSERT INTO tag_notes VALUES (100, 10, 'work', 'bring laptop'), (101, 20, 'home', 'bob note');
            INSERT INTO comments VALUES (1000, 10, NULL, 'first'), (1001, NULL, 1000, 'reply'),
                                        (1002, NULL, 1001, 'reply to reply'), (1003, 20, NULL, 'bob comment'),
                                        (1004, NULL, 1003, 'reply to bob'), (1005, NULL, NULL, 'orphan');
            INSERT INTO global_settings VALUES ('theme', 'dark');
            INSERT INTO "DeviceTokens" VALUES (7, 'ALICE', 'tok-a'), (8, 'BOB', 'tok-b');
            INSERT INTO "Sync State" VALUES (70, 7, 'ok'), (80, 8, 'ok');
            """;

    /** The export of ALICE in both dialects, without the value-type table. */
    static final String ALICE_COMMON_TABLES = """
            {
              "DeviceTokens": [{"Id": 7, "user_id": "ALICE", "Token": "tok-a"}],
              "Sync State": [{"Id": 70, "DeviceId": 7, "Status": "ok"}],
              "comments": [{"id": 1000, "reminder_id": 10, "parent_id": null, "body": "first"},
                           {"id": 1001, "reminder_id": null, "parent_id": 1000, "body": "reply"},
                           {"id": 1002, "reminder_id": null, "parent_id": 1001, "body": "reply to reply"}],
              "reminder_tags": [{"reminder_id": 10, "tag": "home"}, {"reminder_id": 10, "tag": "work"}],
              "shares": [{"id": 1, "user_id": "ALICE", "reminder_id": 10, "permission": "edit"}],
              "tag_notes": [{"id": 100, "reminder_id": 10, "tag": "work", "note": "bring laptop"}]
            }
            """.replace("ALICE", ALICE);

    private UserDataScenario() {
    }

    static void run(DataSource dataSource, String script) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : script.replace("'ALICE'", "'" + ALICE + "'").replace("'BOB'", "'" + BOB + "'").split(";\n")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
    }

    /** Exports {@code userId} and parses the document back. */
    static Exported export(DataSource dataSource, String ownerColumn, String userId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UserExportResult result = UserDataExport.create(dataSource, ownerColumn).write(userId, out);
        try {
            return new Exported(result, JSON.readTree(out.toByteArray()), out.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An export's result, its parsed document and its text. */
    record Exported(UserExportResult result, JsonNode document, String text) {
        JsonNode tables() {
            return document.get("tables");
        }

        /** The document's tables without {@code schema.} prefixes, to compare with {@link #ALICE_COMMON_TABLES}. */
        JsonNode tablesWithoutSchema(String schema) {
            com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
            tables().properties().forEach(e -> out.set(e.getKey().replaceFirst("^" + schema + "\\.", ""), e.getValue()));
            return out;
        }
    }
}
