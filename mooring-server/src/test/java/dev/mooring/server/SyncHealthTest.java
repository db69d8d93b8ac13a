package dev.mooring.server;

import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PushRequest;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.scalar;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SyncHealthTest {
    static final String ID = "00000000-0000-0000-0000-000000000001";
    static final long T = 1_763_700_000_000L;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    DataSource ds;
    SyncService sync;

    @BeforeEach
    void install() throws Exception {
        ds = pg.dataSource();
        execute(ds, SyncTestSupport.SCHEMA);
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL));
        SyncSchema.install(ds, config);
        sync = SyncService.create(ds, config, HybridClock.create("server", () -> T, Duration.ofMinutes(5)));
    }

    @Test
    void recentSessionsComeNewestFirstWithWhatWasRecorded() {
        SyncSessions.record(ds, "n1", "u1", "handshake", 5, 0, 0, 0, true, null);
        SyncSessions.record(ds, "n1", "u1", "push", 120, 7, 2, 1, false, "timeout");

        List<SessionSummary> recent = SyncSessions.recent(ds, 10);

        assertThat(recent).extracting(SessionSummary::kind).containsExactly("push", "handshake");
        SessionSummary push = recent.get(0);
        assertThat(push).extracting(SessionSummary::nodeId, SessionSummary::userId, SessionSummary::durationMs,
                SessionSummary::changes, SessionSummary::conflicts, SessionSummary::rejected, SessionSummary::ok,
                SessionSummary::error).containsExactly("n1", "u1", 120L, 7, 2, 1, false, "timeout");
        assertThat(push.startedAt()).isNotNull();
        assertThat(SyncSessions.recent(ds, 1)).hasSize(1);
    }

    @Test
    void aSessionThatCannotBeRecordedIsDroppedWithoutFailingTheCaller() throws Exception {
        SyncSessions.record(ds, "n1", "u1", "gossip", 5, 0, 0, 0, true, null);

        assertThat(scalar(ds, "SELECT count(*) FROM mooring.sync_sessions")).isEqualTo("0");
    }

    @Test
    void healthCountsTheLastHoursSessionsAndTheirConflictRate() throws Exception {
        SyncSessions.record(ds, "n1", "u1", "pull", 100, 10, 0, 0, true, null);
        SyncSessions.record(ds, "n1", "u1", "push", 200, 10, 2, 0, true, null);
        SyncSessions.record(ds, "n2", "u1", "push", 300, 0, 0, 0, false, "boom");
        SyncSessions.record(ds, "n2", "u1", "push", 9000, 1, 50, 0, false, "long ago");
        execute(ds, "UPDATE mooring.sync_sessions SET started_at = now() - interval '2 hours' WHERE error = 'long ago'");

        HealthReport health = SyncHealth.report(ds);

        assertThat(health.sessionsLastHour()).isEqualTo(3);
        assertThat(health.failedLastHour()).isEqualTo(1);
        assertThat(health.conflictRate()).isCloseTo(0.1, within(1e-9));
        assertThat(health.averageDurationMs()).isCloseTo(200.0, within(1e-9));
        assertThat(health.toText()).contains("3, 1 failed, average 200.0 ms").contains("10.00% of changes");
    }

    @Test
    void healthReportsPendingConflictsNodesAndTheOldestChangeANodeHasNotPulled() throws Exception {
        HealthReport empty = SyncHealth.report(ds);
        assertThat(empty.conflictRate()).isZero();
        assertThat(empty.pendingConflicts()).isZero();
        assertThat(empty.oldestPendingConflict()).isNull();
        assertThat(empty.oldestUndeliveredChange()).isNull();

        sync.push("u1", new PushRequest("n1", List.of(upsert("n1", 1, T, "notes", ID, "title", "by n1"))));
        sync.push("u1", new PushRequest("n2", List.of(upsert("n2", 1, T + 400, "notes", ID, "title", "by n2"))));
        pullAll(sync, "u1", "n1", new String[]{null});
        HealthReport upToDate = SyncHealth.report(ds);
        execute(ds, "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000002', 'u1', 'x')");
        HealthReport behind = SyncHealth.report(ds);

        assertThat(upToDate.pendingConflicts()).isEqualTo(1);
        assertThat(upToDate.oldestPendingConflict()).isNotNull();
        assertThat(upToDate.nodes()).isEqualTo(2);
        assertThat(upToDate.changeLogRows()).isEqualTo(1);
        assertThat(upToDate.oldestUndeliveredChange()).as("n1 has pulled everything").isNull();
        assertThat(behind.changeLogRows()).isEqualTo(2);
        assertThat(behind.oldestUndeliveredChange()).isEqualTo(Instant.parse(scalar(ds,
                "SELECT to_char(max(changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                        + " FROM mooring.change_log")));
        assertThat(behind.toText()).contains("Pending conflicts:      1, oldest from ")
                .contains("oldest undelivered change from");
    }
}
