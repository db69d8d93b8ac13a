package dev.mooring.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.backup.UserDataScenario.Exported;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.testing.PostgresDatabaseExtension;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.mooring.backup.UserDataScenario.ALICE;
import static dev.mooring.backup.UserDataScenario.BOB;
import static dev.mooring.backup.UserDataScenario.export;
import static dev.mooring.backup.UserDataScenario.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserDataExportTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    private static final String POSTGRES_SCHEMA = """
            CREATE TABLE reminders (id bigint PRIMARY KEY, user_id uuid NOT NULL, title text NOT NULL, priority integer,
                done boolean, amount numeric(30, 10), ratio double precision, due_at timestamptz, local_at timestamp,
                due_date date, meta jsonb, labels text[], scores integer[], photo bytea, external_id uuid, note text);
            CREATE TABLE shares (id bigint PRIMARY KEY, user_id uuid NOT NULL, reminder_id bigint REFERENCES reminders (id),
                permission text);
            CREATE TABLE reminder_tags (reminder_id bigint REFERENCES reminders (id), tag text, PRIMARY KEY (reminder_id, tag));
            CREATE TABLE tag_notes (id bigint PRIMARY KEY, reminder_id bigint, tag text, note text,
                FOREIGN KEY (reminder_id, tag) REFERENCES reminder_tags (reminder_id, tag));
            CREATE TABLE comments (id bigint PRIMARY KEY, reminder_id bigint REFERENCES reminders (id),
                parent_id bigint REFERENCES comments (id), body text);
            CREATE TABLE global_settings (key text PRIMARY KEY, value text);
            CREATE TABLE "DeviceTokens" ("Id" bigint PRIMARY KEY, user_id uuid, "Token" text);
            CREATE TABLE "Sync State" ("Id" bigint PRIMARY KEY, "DeviceId" bigint REFERENCES "DeviceTokens" ("Id"), "Status" text);
            CREATE SCHEMA mooring;
            CREATE TABLE mooring.change_log (id bigint, user_id uuid);
            CREATE TABLE schema_version (version text, user_id uuid);
            INSERT INTO mooring.change_log VALUES (1, 'ALICE');
            INSERT INTO schema_version VALUES ('1', 'ALICE');
            INSERT INTO reminders VALUES (10, 'ALICE', 'Call "Mom"', 3, true, 12345678901234567890.1234567890, 0.1,
                '2026-03-01 09:30:00+07', '2026-03-01 09:30:00', '2026-03-01',
                '{"a": [1, 2.50, {"b": null}], "big": 123456789012345678901234567890}', '{x,"y z"}', '{1,NULL,3}',
                '\\x0102ff', '0190a0f1-0000-7000-8000-0000000000ff', NULL);
            INSERT INTO reminders (id, user_id, title, note) VALUES (20, 'BOB', 'bob stuff', 'secret');
            """;

    private static final String POSTGRES_REMINDER = """
            {"id": 10, "user_id": "ALICE", "title": "Call \\"Mom\\"", "priority": 3, "done": true,
             "amount": 12345678901234567890.1234567890, "ratio": 0.1, "due_at": "2026-03-01T02:30:00Z",
             "local_at": "2026-03-01T09:30:00", "due_date": "2026-03-01",
             "meta": {"a": [1, 2.50, {"b": null}], "big": 123456789012345678901234567890},
             "labels": ["x", "y z"], "scores": [1, null, 3], "photo": "AQL/",
             "external_id": "0190a0f1-0000-7000-8000-0000000000ff", "note": null}
            """;

    private static final String SQLITE_SCHEMA = """
            CREATE TABLE reminders (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, title TEXT NOT NULL, priority INTEGER,
                done BOOLEAN, amount DECIMAL(30, 10), ratio REAL, due_at TEXT, due_date DATE, meta JSON, photo BLOB, note TEXT);
            CREATE TABLE shares (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, reminder_id INTEGER REFERENCES reminders (id),
                permission TEXT);
            CREATE TABLE reminder_tags (reminder_id INTEGER REFERENCES reminders (id), tag TEXT, PRIMARY KEY (reminder_id, tag));
            CREATE TABLE tag_notes (id INTEGER PRIMARY KEY, reminder_id INTEGER, tag TEXT, note TEXT,
                FOREIGN KEY (reminder_id, tag) REFERENCES reminder_tags (reminder_id, tag));
            CREATE TABLE comments (id INTEGER PRIMARY KEY, reminder_id INTEGER REFERENCES reminders (id),
                parent_id INTEGER REFERENCES comments (id), body TEXT);
            CREATE TABLE global_settings (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE "DeviceTokens" ("Id" INTEGER PRIMARY KEY, user_id TEXT, "Token" TEXT);
            CREATE TABLE "Sync State" ("Id" INTEGER PRIMARY KEY, "DeviceId" INTEGER REFERENCES "DeviceTokens", "Status" TEXT);
            CREATE TABLE schema_version (version TEXT, user_id TEXT);
            INSERT INTO schema_version VALUES ('1', 'ALICE');
            INSERT INTO reminders VALUES (10, 'ALICE', 'Call "Mom"', 3, 1, '12345678901234567890.1234567890', 0.1,
                '2026-03-01T02:30:00Z', '2026-03-01', '{"a": [1, 2.50, {"b": null}]}', X'0102FF', NULL);
            INSERT INTO reminders (id, user_id, title, note) VALUES (20, 'BOB', 'bob stuff', 'secret');
            """;

    /** SQLite stores a DECIMAL column's number as a double (its NUMERIC affinity); the export writes what is stored. */
    private static final String SQLITE_REMINDER = """
            {"id": 10, "user_id": "ALICE", "title": "Call \\"Mom\\"", "priority": 3, "done": true,
             "amount": 1.2345678901234567E19, "ratio": 0.1, "due_at": "2026-03-01T02:30:00Z",
             "due_date": "2026-03-01", "meta": {"a": [1, 2.50, {"b": null}]}, "photo": "AQL/", "note": null}
            """;

    @Test
    void postgresExportsTheUsersOwnedAndReachableRowsWithTheirJsonTypes() throws Exception {
        UserDataScenario.run(pg.dataSource(), POSTGRES_SCHEMA + UserDataScenario.COMMON_DATA);
        Exported alice = export(pg.dataSource(), "user_id", ALICE);

        assertHeader(alice.document(), "postgresql");
        JsonNode expected = parse(UserDataScenario.ALICE_COMMON_TABLES);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).set("reminders", parse("[" + POSTGRES_REMINDER.replace("ALICE", ALICE) + "]"));
        assertThat(alice.tablesWithoutSchema("public")).isEqualTo(expected);
        assertThat(alice.result().rowsByTable()).containsExactlyEntriesOf(aliceCounts("public."));
        assertThat(alice.text()).doesNotContain(BOB).doesNotContain("secret").doesNotContain("bob").doesNotContain("tok-b")
                .doesNotContain("change_log").doesNotContain("schema_version").doesNotContain("global_settings");
    }

    @Test
    void sqliteExportsTheUsersOwnedAndReachableRowsWithTheirJsonTypes() throws Exception {
        UserDataScenario.run(sqlite.dataSource(), SQLITE_SCHEMA + UserDataScenario.COMMON_DATA);
        Exported alice = export(sqlite.dataSource(), null, ALICE);

        assertHeader(alice.document(), "sqlite");
        JsonNode expected = parse(UserDataScenario.ALICE_COMMON_TABLES);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).set("reminders", parse("[" + SQLITE_REMINDER.replace("ALICE", ALICE) + "]"));
        assertThat(alice.tables()).isEqualTo(expected);
        assertThat(alice.result().rowsByTable()).containsExactlyEntriesOf(aliceCounts(""));
        assertThat(alice.text()).doesNotContain(BOB).doesNotContain("secret").doesNotContain("bob").doesNotContain("tok-b")
                .doesNotContain("schema_version").doesNotContain("global_settings");
    }

    @Test
    void theOtherUserGetsOnlyTheirOwnRowsOnBothDialects() throws Exception {
        UserDataScenario.run(pg.dataSource(), POSTGRES_SCHEMA + UserDataScenario.COMMON_DATA);
        UserDataScenario.run(sqlite.dataSource(), SQLITE_SCHEMA + UserDataScenario.COMMON_DATA);
        for (Exported bob : new Exported[] {export(pg.dataSource(), "user_id", BOB), export(sqlite.dataSource(), "user_id", BOB)}) {
            assertThat(bob.text()).doesNotContain(ALICE).doesNotContain("bring laptop").doesNotContain("reply to reply");
            assertThat(bob.result().totalRows()).isEqualTo(9);
            assertThat(bob.result().userId()).isEqualTo(BOB);
        }
    }

    @Test
    void anUnknownOwnerColumnIsAUsageErrorThatNamesTheCandidates() throws Exception {
        UserDataScenario.run(pg.dataSource(), POSTGRES_SCHEMA);
        UserDataScenario.run(sqlite.dataSource(), SQLITE_SCHEMA);
        for (javax.sql.DataSource ds : new javax.sql.DataSource[] {pg.dataSource(), sqlite.dataSource()}) {
            assertThatThrownBy(() -> export(ds, "owner", ALICE))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                    .hasMessage("No table has column 'owner'. Columns that look like owner columns: user_id.");
        }
        assertThatThrownBy(() -> UserDataExport.create(pg.dataSource(), " "))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void anInjectionAttemptInTheUserIdExportsNothing() throws Exception {
        UserDataScenario.run(pg.dataSource(), POSTGRES_SCHEMA + UserDataScenario.COMMON_DATA);
        UserDataScenario.run(sqlite.dataSource(), SQLITE_SCHEMA + UserDataScenario.COMMON_DATA);
        for (javax.sql.DataSource ds : new javax.sql.DataSource[] {pg.dataSource(), sqlite.dataSource()}) {
            Exported none = export(ds, "user_id", "' OR 1=1 --");
            assertThat(none.result().totalRows()).isZero();
            assertThat(none.result().rowsByTable()).hasSize(7);
            none.tables().forEach(rows -> assertThat(rows).isEmpty());
            assertThat(none.document().get("userId").asText()).isEqualTo("' OR 1=1 --");
        }
    }

    @Test
    void integerAndTextOwnerColumnsCompareAsText() throws Exception {
        String ddl = """
                CREATE TABLE notes (id integer PRIMARY KEY, "OwnerId" integer, body text);
                CREATE TABLE labels (id integer PRIMARY KEY, "OwnerId" text, name text);
                INSERT INTO notes VALUES (1, 42, 'mine'), (2, 420, 'not mine');
                INSERT INTO labels VALUES (1, '42', 'x'), (2, '042', 'y');
                """;
        UserDataScenario.run(pg.dataSource(), ddl);
        UserDataScenario.run(sqlite.dataSource(), ddl);
        assertThat(export(pg.dataSource(), "OwnerId", "42").result().rowsByTable())
                .containsExactly(Map.entry("public.labels", 1L), Map.entry("public.notes", 1L));
        // SQLite matches column names ignoring case, as it does everywhere else.
        Exported onSqlite = export(sqlite.dataSource(), "ownerid", "42");
        assertThat(onSqlite.result().rowsByTable()).containsExactly(Map.entry("labels", 1L), Map.entry("notes", 1L));
        assertThat(onSqlite.tables().get("notes").get(0).get("body").asText()).isEqualTo("mine");
    }

    @Test
    void theUsersOwnRowIsExportedFromTheTableTheOwnerColumnReferencesOnBothDialects() throws Exception {
        String ddl = """
                CREATE TABLE users (id ID_TYPE PRIMARY KEY, email text);
                CREATE TABLE notes (id integer PRIMARY KEY, user_id ID_TYPE REFERENCES users (id), body text);
                CREATE TABLE avatars (id integer PRIMARY KEY, account ID_TYPE REFERENCES users (id), image text);
                INSERT INTO users VALUES ('ALICE', 'alice@example.com'), ('BOB', 'bob@example.com');
                INSERT INTO notes VALUES (1, 'ALICE', 'mine'), (2, 'BOB', 'his');
                INSERT INTO avatars VALUES (1, 'ALICE', 'alice.png'), (2, 'BOB', 'bob.png');
                """;
        UserDataScenario.run(pg.dataSource(), ddl.replace("ID_TYPE", "uuid"));
        UserDataScenario.run(sqlite.dataSource(), ddl.replace("ID_TYPE", "text"));
        for (Exported alice : new Exported[] {export(pg.dataSource(), "user_id", ALICE), export(sqlite.dataSource(), "user_id", ALICE)}) {
            String schema = alice.document().get("database").asText().equals("postgresql") ? "public" : "";
            assertThat(alice.tablesWithoutSchema(schema)).isEqualTo(parse("""
                    {"avatars": [{"id": 1, "account": "ALICE", "image": "alice.png"}],
                     "notes": [{"id": 1, "user_id": "ALICE", "body": "mine"}],
                     "users": [{"id": "ALICE", "email": "alice@example.com"}]}
                    """.replace("ALICE", ALICE)));
            assertThat(alice.text()).doesNotContain(BOB).doesNotContain("bob");
        }
    }

    @Test
    void theExampleAppsServerAndClientSchemasExportEverythingTheUserOwns() throws Exception {
        Migrator.create(pg.dataSource(), MigrationConfig.of(Path.of("../examples/reminders/server").toString())).migrate();
        UserDataScenario.run(pg.dataSource(), """
                INSERT INTO users (id, email) VALUES ('ALICE', 'alice@example.com'), ('BOB', 'bob@example.com');
                INSERT INTO events (id, user_id, title, solar_date) VALUES
                    ('0190a0f1-0000-7000-8000-0000000000e1', 'ALICE', 'Birthday', '2026-05-01'),
                    ('0190a0f1-0000-7000-8000-0000000000e2', 'BOB', 'Bob thing', '2026-05-02');
                INSERT INTO groups (id, user_id, name) VALUES ('0190a0f1-0000-7000-8000-0000000000f1', 'ALICE', 'Family');
                INSERT INTO event_groups (id, user_id, event_id, group_id) VALUES ('0190a0f1-0000-7000-8000-0000000000c1',
                    'ALICE', '0190a0f1-0000-7000-8000-0000000000e1', '0190a0f1-0000-7000-8000-0000000000f1');
                """);
        Exported alice = export(pg.dataSource(), "user_id", ALICE);
        assertThat(alice.result().rowsByTable()).containsEntry("public.events", 1L).containsEntry("public.groups", 1L)
                .containsEntry("public.event_groups", 1L).containsEntry("public.shares", 0L)
                .containsEntry("public.users", 1L).doesNotContainKey("public.schema_version");
        assertThat(alice.tables().get("public.events").get(0).get("is_leap_month").isBoolean()).isTrue();
        assertThat(alice.tables().get("public.users").get(0).get("email").asText()).isEqualTo("alice@example.com");
        assertThat(alice.text()).doesNotContain("Bob thing").doesNotContain("bob@example.com");

        Migrator.create(sqlite.dataSource(), MigrationConfig.of(Path.of("../examples/reminders/client").toString())).migrate();
        Exported empty = export(sqlite.dataSource(), "user_id", ALICE);
        assertThat(empty.result().rowsByTable()).isNotEmpty().doesNotContainKey("schema_version");
        assertThat(empty.result().totalRows()).isZero();
    }

    @Test
    void aSectionIsWrittenUnderItsKeyAfterTheTablesInTheExportsSnapshot() throws Exception {
        UserDataScenario.run(pg.dataSource(), POSTGRES_SCHEMA + UserDataScenario.COMMON_DATA);
        UserExportSection reminders = (snapshot, userId, json) -> {
            // written after the export's queries began: the export's snapshot must not see it
            UserDataScenario.run(pg.dataSource(), "INSERT INTO reminders (id, user_id, title) VALUES (30, 'BOB', 'late')");
            json.writeStartObject();
            json.writeArrayFieldStart("reminders");
            long rows = 0;
            try (java.sql.Statement s = snapshot.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT title FROM reminders WHERE user_id::text <> '" + userId
                         + "' ORDER BY id")) {
                while (rs.next()) {
                    json.writeString(rs.getString(1));
                    rows++;
                }
            }
            json.writeEndArray();
            json.writeEndObject();
            return Map.of("reminders", rows);
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        UserExportResult result = UserDataExport.create(pg.dataSource(), "user_id").withSection("others", reminders)
                .write(ALICE, out);

        JsonNode document = parse(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(document.fieldNames()).toIterable()
                .containsExactly("userId", "ownerColumn", "exportedAt", "database", "tables", "others");
        assertThat(document.get("others")).isEqualTo(parse("{\"reminders\": [\"bob stuff\"]}"));
        assertThat(result.sectionRows()).containsExactly(Map.entry("others", Map.of("reminders", 1L)));
        assertThat(result.rowsByTable()).containsExactlyEntriesOf(aliceCounts("public."));
        assertThat(result.totalRows()).isEqualTo(10);

        for (String taken : new String[] {"tables", "userId", " "}) {
            assertThatThrownBy(() -> UserDataExport.create(pg.dataSource(), null).withSection(taken, reminders))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
        assertThatThrownBy(() -> UserDataExport.create(pg.dataSource(), null).withSection("others", reminders)
                .withSection("others", reminders)).isInstanceOf(MooringException.class).hasMessageContaining("'others'");
    }

    private static void assertHeader(JsonNode document, String database) {
        assertThat(document.get("userId").asText()).isEqualTo(ALICE);
        assertThat(document.get("ownerColumn").asText()).isEqualTo("user_id");
        assertThat(document.get("database").asText()).isEqualTo(database);
        assertThat(Instant.parse(document.get("exportedAt").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    private static Map<String, Long> aliceCounts(String prefix) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(prefix + "DeviceTokens", 1L);
        counts.put(prefix + "Sync State", 1L);
        counts.put(prefix + "comments", 3L);
        counts.put(prefix + "reminder_tags", 2L);
        counts.put(prefix + "reminders", 1L);
        counts.put(prefix + "shares", 1L);
        counts.put(prefix + "tag_notes", 1L);
        return counts;
    }
}
