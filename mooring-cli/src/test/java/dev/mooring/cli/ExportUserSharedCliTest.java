package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncSchema;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mooring export-user --config sync.yaml}: what the user owns as without it, and under {@code sharedWithUser}
 * what other users share with them by the sync configuration's read rules, as their pull gets it. The schema and rules
 * are those of the sharing tests of the server (people share events and groups of events through {@code shares}).
 */
class ExportUserSharedCliTest {
    static final String SCHEMA = """
            CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL, display_name text NOT NULL DEFAULT '',
                                deleted_at timestamptz);
            CREATE TABLE events (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id), title text NOT NULL,
                                 notes text, deleted_at timestamptz);
            CREATE TABLE groups (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id), name text NOT NULL,
                                 deleted_at timestamptz);
            CREATE TABLE event_groups (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id),
                                       event_id uuid NOT NULL REFERENCES events (id),
                                       group_id uuid NOT NULL REFERENCES groups (id), deleted_at timestamptz);
            CREATE TABLE shares (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id),
                                 shared_with_user_id uuid NOT NULL REFERENCES users (id),
                                 event_id uuid REFERENCES events (id), group_id uuid REFERENCES groups (id),
                                 permission text NOT NULL DEFAULT 'view', accepted_at timestamptz,
                                 deleted_at timestamptz);
            """;
    static final String RULES = """
            tables:
              - name: users
                owner: id
                read:
                  where: id IN (SELECT user_id FROM shares WHERE shared_with_user_id = :user)
                         OR id IN (SELECT shared_with_user_id FROM shares WHERE user_id = :user)
                  columns: [display_name]
              - name: events
                read: >-
                  id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
                  OR id IN (SELECT event_id FROM event_groups WHERE group_id IN
                     (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL))
              - name: groups
                read: id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
              - name: event_groups
                read: group_id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
              - name: shares
                read: shared_with_user_id = :user
                open-references: [shared_with_user_id]
            """;

    static final String ALICE = "a0000000-0000-0000-0000-00000000000a";
    static final String BOB = "b0000000-0000-0000-0000-00000000000b";
    static final String CAROL = "c0000000-0000-0000-0000-00000000000c";
    static final String SHARED = "e0000000-0000-0000-0000-000000000001";
    static final String PRIVATE = "e0000000-0000-0000-0000-000000000002";
    static final String DELETED = "e0000000-0000-0000-0000-000000000003";
    static final String BOBS = "e0000000-0000-0000-0000-000000000004";
    static final String OFFERED = "e0000000-0000-0000-0000-000000000005";
    static final String SHARE = "5a000000-0000-0000-0000-000000000001";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    String url;
    Path rules;

    @BeforeEach
    void setUp() throws Exception {
        url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        rules = Files.writeString(dir.resolve("sync.yaml"), RULES);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        }
        // the database as a running sync server leaves it: bookkeeping schema and capture triggers installed
        SyncSchema.install(pg.dataSource(), SyncConfigFile.load(rules));
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + ALICE + "', 'alice@example.com', 'Alice'),"
                    + " ('" + BOB + "', 'bob@example.com', 'Bob'), ('" + CAROL + "', 'carol@example.com', 'Carol')");
            s.execute("INSERT INTO events (id, user_id, title, deleted_at) VALUES"
                    + " ('" + SHARED + "', '" + ALICE + "', 'Tet', NULL),"
                    + " ('" + PRIVATE + "', '" + ALICE + "', 'Alice private', NULL),"
                    + " ('" + DELETED + "', '" + ALICE + "', 'Alice deleted', now()),"
                    + " ('" + BOBS + "', '" + BOB + "', 'Bob own', NULL),"
                    + " ('" + OFFERED + "', '" + CAROL + "', 'Carol not accepted', NULL)");
            s.execute("INSERT INTO shares (id, user_id, shared_with_user_id, event_id, accepted_at) VALUES"
                    + " ('" + SHARE + "', '" + ALICE + "', '" + BOB + "', '" + SHARED + "', now()),"
                    + " (gen_random_uuid(), '" + ALICE + "', '" + BOB + "', '" + DELETED + "', now()),"
                    + " (gen_random_uuid(), '" + CAROL + "', '" + BOB + "', '" + OFFERED + "', NULL)");
        }
    }

    CliRun exportUser(String... more) {
        List<String> args = new ArrayList<>(List.of("export-user", "--url", url));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void withTheSyncConfigurationTheExportHoldsWhatOthersShareWithTheUserUnderItsOwnKeyInTheColumnsTheyMaySee()
            throws Exception {
        CliRun run = exportUser("--user-id", BOB, "--config", rules.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.fieldNames()).toIterable()
                .containsExactly("userId", "ownerColumn", "exportedAt", "database", "tables", "sharedWithUser");

        JsonNode shared = doc.get("sharedWithUser");
        assertThat(shared.fieldNames()).toIterable().containsExactly("users", "events", "groups", "event_groups", "shares");
        assertThat(shared.get("events")).hasSize(1);
        assertThat(shared.get("events").get(0).get("id").asText()).isEqualTo(SHARED);
        assertThat(shared.get("events").get(0).get("title").asText()).isEqualTo("Tet");
        // Alice's users row as Bob's device gets it: the declared column and the id, never the e-mail
        assertThat(shared.get("users")).hasSize(2);
        JsonNode alice = shared.get("users").get(0);
        assertThat(alice.get("id").asText()).isEqualTo(ALICE);
        assertThat(alice.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "display_name");
        assertThat(alice.get("display_name").asText()).isEqualTo("Alice");
        assertThat(shared.get("users").get(1).get("id").asText()).isEqualTo(CAROL);
        assertThat(shared.get("shares")).hasSize(3);
        assertThat(run.out()).doesNotContain("alice@example.com").doesNotContain("carol@example.com")
                .doesNotContain(PRIVATE).doesNotContain("Alice private").doesNotContain("Alice deleted")
                .doesNotContain("Carol not accepted");

        // Bob's own rows are in the owned part, as without --config, and only there
        JsonNode owned = doc.get("tables");
        assertThat(owned.get("public.events")).hasSize(1);
        assertThat(owned.get("public.events").get(0).get("id").asText()).isEqualTo(BOBS);
        assertThat(owned.get("public.users").get(0).get("email").asText()).isEqualTo("bob@example.com");
        assertThat(shared.toString()).doesNotContain(BOBS).doesNotContain("bob@example.com");
        shared.get("users").forEach(user -> assertThat(user.get("id").asText()).isNotEqualTo(BOB));
        assertThat(owned).isEqualTo(new ObjectMapper().readTree(exportUser("--user-id", BOB).out()).get("tables"));

        assertThat(run.err()).contains("Exported 2 row(s) from 5 table(s), and 6 row(s) other users share with " + BOB
                + " (users 2, events 1, groups 0, event_groups 0, shares 3).");
    }

    @Test
    void withoutTheSyncConfigurationTheDocumentAndSummaryAreAsBefore() throws Exception {
        Path file = dir.resolve("bob.json");
        CliRun run = exportUser("--user-id", BOB, "--out", file.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(file.toFile()).fieldNames()).toIterable()
                .containsExactly("userId", "ownerColumn", "exportedAt", "database", "tables");
        assertThat(new ObjectMapper().readTree(run.out()).fieldNames()).toIterable()
                .containsExactly("userId", "ownerColumn", "file", "totalRows", "rowsByTable");
        CliRun toStdout = exportUser("--user-id", BOB);
        assertThat(toStdout.err()).isEqualToIgnoringNewLines("Exported 2 row(s) from 5 table(s).");
    }

    @Test
    void theFileSummaryCountsTheSharedRowsPerTable() throws Exception {
        Path file = dir.resolve("bob.json");
        CliRun json = exportUser("--user-id", BOB, "--config", rules.toString(), "--out", file.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(json.out());
        assertThat(summary.get("totalRows").asLong()).isEqualTo(2);
        assertThat(summary.get("sharedRows").asLong()).isEqualTo(6);
        assertThat(summary.get("sharedRowsByTable").toString())
                .isEqualTo("{\"users\":2,\"events\":1,\"groups\":0,\"event_groups\":0,\"shares\":3}");
        assertThat(new ObjectMapper().readTree(file.toFile()).get("sharedWithUser").get("events")).hasSize(1);

        CliRun text = exportUser("--user-id", BOB, "--config", rules.toString(), "--out", file.toString(), "--force");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Exported 2 row(s) of user " + BOB)
                .contains("Shared with " + BOB + " by other users (sharedWithUser): 6 row(s)")
                .containsPattern("events +1\\n").containsPattern("shares +3\\n");
    }

    @Test
    void aRuleThatDoesNotFitTheSchemaIsTheConfigurationErrorTheServerGives() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                tables:
                  - name: events
                    read: id IN (SELECT event_id FROM shares WHERE recipient = :user)
                """);
        CliRun export = exportUser("--user-id", BOB, "--config", bad.toString());
        assertThat(export.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(export.err()).contains("These synced tables cannot sync yet")
                .contains("table events, read rule: table shares has no column recipient");
        assertThat(export.out()).isEmpty();

        CliRun server = CliRun.of("server", "--url", url, "--config", bad.toString(), "--port", "0");
        assertThat(server.exitCode()).isEqualTo(export.exitCode());
        assertThat(server.err()).isEqualTo(export.err());

        Path file = dir.resolve("never.json");
        CliRun toFile = exportUser("--user-id", BOB, "--config", bad.toString(), "--out", file.toString());
        assertThat(toFile.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(file).doesNotExist();
    }

    @Test
    void theSharedRowsComeOnlyFromPostgresql() throws Exception {
        Path sqlite = dir.resolve("client.db");
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id TEXT PRIMARY KEY, user_id TEXT)");
        }
        CliRun run = CliRun.of("export-user", "--url", sqlite.toString(), "--user-id", BOB, "--config", rules.toString());
        assertThat(run.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(run.err()).contains("--config reads the sharing rules of the sync server's PostgreSQL database");
        assertThat(run.out()).isEmpty();
    }
}
