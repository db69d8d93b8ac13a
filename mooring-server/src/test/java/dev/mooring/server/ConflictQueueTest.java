package dev.mooring.server;

import dev.mooring.sync.ConflictPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.scalar;
import static dev.mooring.server.SyncTestSupport.upsert;
import static dev.mooring.server.SyncTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictQueueTest {
    static final String ID = "00000000-0000-0000-0000-000000000001";
    static final String OTHER_ID = "00000000-0000-0000-0000-000000000002";
    static final long T = 1_763_700_000_000L;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    SyncService sync;
    ConflictQueue queue;
    /** The cursor of node n2, the one whose edit was queued, pulled up to just after the conflict arose. */
    final String[] n2 = {null};

    @BeforeEach
    void queueAManualConflict() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL));
        SyncSchema.install(pg.dataSource(), config);
        sync = SyncService.create(pg.dataSource(), config, HybridClock.create("server", () -> T, Duration.ofMinutes(5)));
        queue = ConflictQueue.create(pg.dataSource(), sync);

        push("n1", upsert("n1", 1, T, "notes", ID, "title", "by n1", "body", "body"));
        PushResponse near = push("n2", upsert("n2", 1, T + 400, "notes", ID, "title", "by n2"));
        assertThat(near.results().get(0).status()).isEqualTo(ChangeStatus.CONFLICT_QUEUED);
        pullAll(sync, "u1", "n2", n2);
    }

    PushResponse push(String node, dev.mooring.sync.RowChange change) {
        return sync.push("u1", new PushRequest(node, List.of(change)));
    }

    Conflict pending() {
        return queue.list("u1", true, 10).get(0);
    }

    String row() throws Exception {
        return scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes WHERE id = '" + ID + "'");
    }

    long changeLogRows() throws Exception {
        return Long.parseLong(scalar(pg.dataSource(), "SELECT count(*) FROM mooring.change_log"));
    }

    static void assertUsage(ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(MooringException.class).hasMessageContaining(message)
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.USAGE);
    }

    @Test
    void aQueuedConflictIsListedWithBothVersionsNewestFirst() {
        push("n1", upsert("n1", 2, T + 1000, "notes", OTHER_ID, "title", "second by n1"));
        push("n2", upsert("n2", 2, T + 1100, "notes", OTHER_ID, "title", "second by n2"));

        List<Conflict> waiting = queue.list("u1", true, 10);

        assertThat(waiting).extracting(Conflict::recordId).containsExactly(OTHER_ID, ID);
        Conflict first = waiting.get(1);
        assertThat(first.table()).isEqualTo("notes");
        assertThat(first.owner()).isEqualTo("u1");
        assertThat(first.serverVersion().path("title").asText()).isEqualTo("by n1");
        assertThat(first.clientVersion().path("title").asText()).isEqualTo("by n2");
        assertThat(first.clientNode()).isEqualTo("n2");
        assertThat(first.clientHlc()).startsWith(String.format("%015d", T + 400));
        assertThat(first.rule()).isEqualTo("manual");
        assertThat(first.result()).isEqualTo("pending");
        assertThat(first.pending()).isTrue();
        assertThat(first.createdAt()).isNotNull();
        assertThat(first.resolvedAt()).isNull();
        assertThat(queue.list(null, true, 10)).hasSize(2);
        assertThat(queue.list("u1", true, 1)).extracting(Conflict::recordId).containsExactly(OTHER_ID);
    }

    @Test
    void keepingTheServerVersionWritesNothingAndMarksTheConflictResolved() throws Exception {
        long before = changeLogRows();

        Conflict resolved = queue.resolve(pending().id(), "u1", Resolution.server(), "alice");

        assertThat(row()).isEqualTo("by n1|body");
        assertThat(changeLogRows()).isEqualTo(before);
        assertThat(resolved.status()).isEqualTo("resolved");
        assertThat(resolved.result()).isEqualTo("server");
        assertThat(resolved.resolvedBy()).isEqualTo("alice");
        assertThat(resolved.resolvedAt()).isNotNull();
        assertThat(queue.list("u1", true, 10)).isEmpty();
        assertThat(pullAll(sync, "u1", "n2", n2)).isEmpty();
    }

    @Test
    void takingTheClientVersionWritesItAsAServerChangeThatTheClientPulls() throws Exception {
        Conflict resolved = queue.resolve(pending().id(), "u1", Resolution.client(), "alice");

        assertThat(row()).isEqualTo("by n2|body");
        assertThat(resolved.result()).isEqualTo("client");
        assertThat(scalar(pg.dataSource(), "SELECT source || ':' || origin_node || ':' || user_id || ':'"
                + " || array_to_string(changed_columns, ',') FROM mooring.change_log ORDER BY seq DESC LIMIT 1"))
                .isEqualTo("api:server:alice:title");
        assertThat(scalar(pg.dataSource(), "SELECT resolved_values->>'title' FROM mooring.conflicts"))
                .isEqualTo("by n2");

        List<PulledChange> delivered = pullAll(sync, "u1", "n2", n2);

        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).id()).isEqualTo(ID);
        assertThat(delivered.get(0).originNode()).isEqualTo("server");
        assertThat(delivered.get(0).values()).containsOnlyKeys("title");
        assertThat(delivered.get(0).values().get("title").asText()).isEqualTo("by n2");
        assertThat(delivered.get(0).hlc().physicalMs()).isGreaterThanOrEqualTo(T + 400);
    }

    @Test
    void mergedValuesAreWrittenAndPulledByTheClient() throws Exception {
        Map<String, JsonNode> merged = values("title", "by n1 and n2", "body", "merged body");

        Conflict resolved = queue.resolve(pending().id(), null, Resolution.merged(merged), "admin");

        assertThat(row()).isEqualTo("by n1 and n2|merged body");
        assertThat(resolved.result()).isEqualTo("merged");
        assertThat(resolved.resolvedBy()).isEqualTo("admin");
        List<PulledChange> delivered = pullAll(sync, "u1", "n2", n2);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).values().get("title").asText()).isEqualTo("by n1 and n2");
        assertThat(delivered.get(0).values().get("body").asText()).isEqualTo("merged body");
    }

    @Test
    void aResolvedConflictCannotBeResolvedAgain() throws Exception {
        long id = pending().id();
        queue.resolve(id, "u1", Resolution.client(), "alice");

        assertUsage(() -> queue.resolve(id, "u1", Resolution.server(), "bob"),
                "conflict " + id + " is already resolved (client, by alice");

        assertThat(row()).isEqualTo("by n2|body");
        assertThat(queue.list("u1", false, 10).get(0).resolvedBy()).isEqualTo("alice");
    }

    @Test
    void anotherUserNeitherSeesNorResolvesTheConflict() throws Exception {
        long id = pending().id();

        assertThat(queue.list("u2", false, 10)).isEmpty();
        assertUsage(() -> queue.resolve(id, "u2", Resolution.client(), "mallory"), "no conflict " + id);
        assertUsage(() -> queue.resolve(id + 1000, "u1", Resolution.client(), "alice"), "no conflict " + (id + 1000));

        assertThat(row()).isEqualTo("by n1|body");
        assertThat(pending().id()).isEqualTo(id);
    }

    @Test
    void mergedValuesNamingAnUnknownColumnOrChangingIdOrOwnerAreRefusedAndNothingChanges() throws Exception {
        long id = pending().id();
        long before = changeLogRows();

        assertUsage(() -> queue.resolve(id, "u1", Resolution.merged(values("title", "x", "colour", "red")), "alice"),
                "table notes has no column colour");
        assertUsage(() -> queue.resolve(id, "u1", Resolution.merged(values("title", "x", "user_id", "u2")), "alice"),
                "column user_id says who owns the row");
        assertUsage(() -> queue.resolve(id, "u1", Resolution.merged(values("title", "x", "id", OTHER_ID)), "alice"),
                "ids never change");

        assertThat(row()).isEqualTo("by n1|body");
        assertThat(changeLogRows()).isEqualTo(before);
        assertThat(pending().id()).isEqualTo(id);
    }

    @Test
    void onlyAMergedResolutionCarriesValues() {
        assertUsage(() -> Resolution.merged(Map.of()), "needs the values");
        assertUsage(() -> new Resolution(Resolution.Choice.CLIENT, values("title", "x")), "merged resolution only");
        assertThat(Resolution.server().values()).isEmpty();
    }
}
