package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.LiveOptions;
import dev.mooring.sync.client.LiveStatus;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live sync against real servers over HTTP: a device learns of a change as soon as it commits, through whichever
 * server instance, including a transaction that commits late; local edits go out without a sync call; a stopped
 * server sends devices offline and they come back with what they wrote meanwhile. Each device waits 25 s at the
 * server, so a change that arrives well before that came with a wake-up, not because a wait ran out.
 */
class LiveSyncTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    /** Well below the 25 s a wait lasts: what arrives within it was woken for. */
    static final long WITHIN_SECONDS = 12;
    static final LiveOptions OPTIONS = LiveOptions.defaults().withServerWait(Duration.ofSeconds(25))
            .withReconnect(new RetryPolicy(1, Duration.ofMillis(200), Duration.ofMillis(500)));

    @TempDir
    Path dir;

    /** Records what live sync reports. */
    static final class Statuses implements SyncListener {
        final List<LiveStatus> seen = new CopyOnWriteArrayList<>();

        @Override
        public void liveStatusChanged(LiveStatus status) {
            seen.add(status);
        }

        boolean reached(LiveStatus.State state) {
            return seen.stream().anyMatch(s -> s.state() == state);
        }

        LiveStatus last() {
            return seen.isEmpty() ? null : seen.get(seen.size() - 1);
        }
    }

    @Test
    void aChangeCommittedOnTheServerReachesALiveDeviceWithoutItAskingAndALateCommitWhenItCommits() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncServer server = f.httpServer(); HttpTransport alice = f.http(server, "alice");
             SyncClient phone = ClientFixture.client(dir.resolve("phone.db"))) {
            Statuses statuses = new Statuses();
            phone.addListener(statuses);
            phone.startLive(alice, OPTIONS);
            await(() -> statuses.reached(LiveStatus.State.LIVE) && server.live().waiting() == 1, "the phone waits");

            f.server("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000001', 'alice', 'from the web')");
            await(() -> clientRows(phone).toString().contains("from the web"), "the server's insert reaches the phone");

            // a transaction that took its id before others committed, and commits after them
            try (Connection late = pg.dataSource().getConnection(); Statement s = late.createStatement()) {
                late.setAutoCommit(false);
                s.execute("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000002', 'alice', 'late')");
                f.server("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000003', 'alice', 'early')");
                // the early one is held back behind the open transaction (the feed never skips), then both come
                TimeUnit.MILLISECONDS.sleep(300);
                assertThat(clientRows(phone).toString()).doesNotContain("early");
                late.commit();
            }
            await(() -> clientRows(phone).toString().contains("late") && clientRows(phone).toString().contains("early"),
                    "both reach the phone once the late transaction commits");
            // another user's change wakes nobody here and reaches nobody here
            f.server("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000004', 'bob', 'bob''s')");
            phone.stopLive();
            assertThat(statuses.last().state()).isEqualTo(LiveStatus.State.STOPPED);
            assertThat(statuses.last().error()).isNull();
            assertThat(clientRows(phone)).isEqualTo(f.serverRows("alice"));
        }
    }

    @Test
    void devicesOnTwoServerInstancesSeeEachOthersLocalEditsLive() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncServer one = f.httpServer(); SyncServer two = f.httpServer();
             HttpTransport phoneLink = f.http(one, "alice"); HttpTransport tabletLink = f.http(two, "alice");
             SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"))) {
            phone.startLive(phoneLink, OPTIONS);
            tablet.startLive(tabletLink, OPTIONS);
            await(() -> one.live().waiting() == 1 && two.live().waiting() == 1, "each device waits at its server");

            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-0000000000a1', 'alice', 'typed on the phone')");
            await(() -> clientRows(tablet).toString().contains("typed on the phone"),
                    "the phone's edit is pushed without a sync call and reaches the tablet through the other server");
            exec(tablet, "UPDATE notes SET body = 'added on the tablet' WHERE id = '00000000-0000-0000-0000-0000000000a1'");
            await(() -> clientRows(phone).toString().contains("added on the tablet"), "and back");
            await(() -> phone.pendingCount() == 0 && tablet.pendingCount() == 0
                    && clientRows(phone).equals(f.serverRows("alice")) && clientRows(tablet).equals(f.serverRows("alice")),
                    "all three agree");
        }
    }

    @Test
    void aStoppedServerSendsTheDeviceOfflineAndItComesBackWithWhatWasWrittenMeanwhile() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        SyncServer first = f.httpServer();
        SyncServer[] server = {first};
        int port = first.port();
        String token = Tokens.create(pg.dataSource()).issue("alice", "test").token();
        try (HttpTransport alice = HttpTransport.create(URI.create("http://localhost:" + port), token);
             SyncClient phone = ClientFixture.client(dir.resolve("phone.db"))) {
            Statuses statuses = new Statuses();
            phone.addListener(statuses);
            phone.startLive(alice, OPTIONS);
            await(() -> first.live().waiting() == 1, "the phone waits");
            first.close();
            await(() -> statuses.last().state() == LiveStatus.State.OFFLINE, "the phone goes offline");
            assertThat(statuses.last().nextAttempt()).isNotNull();
            assertThat(statuses.last().error()).contains("localhost:" + port);
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-0000000000b1', 'alice', 'written offline')");
            f.server("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-0000000000b2', 'alice', 'written on the web meanwhile')");

            server[0] = SyncServer.start(pg.dataSource(), f.config, ServerOptions.defaults().withPort(port));
            await(() -> f.serverRows("alice").toString().contains("written offline")
                    && clientRows(phone).toString().contains("written on the web meanwhile"), "both ways once it is back");
            await(() -> statuses.last().state() == LiveStatus.State.LIVE && server[0].live().waiting() == 1,
                    "and the phone waits live again");
        } finally {
            server[0].close();
        }
    }

    @Test
    void aRevokedTokenStopsLiveSyncAndSaysWhy() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        String token = Tokens.create(pg.dataSource()).issue("alice", "test").token();
        try (SyncServer server = f.httpServer(); HttpTransport alice = HttpTransport.create(server.uri(), token);
             SyncClient phone = ClientFixture.client(dir.resolve("phone.db"))) {
            Statuses statuses = new Statuses();
            phone.addListener(statuses);
            phone.startLive(alice, OPTIONS);
            await(() -> server.live().waiting() == 1, "the phone waits");
            Tokens.create(pg.dataSource()).revoke(token);
            f.server("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-0000000000c1', 'alice', 'x')");
            await(() -> !phone.isLive(), "live sync stops");
            assertThat(statuses.last().state()).isEqualTo(LiveStatus.State.STOPPED);
            assertThat(statuses.last().error()).contains("revoked").doesNotContain(token);
        }
    }

    /** Waits for {@code condition} up to {@link #WITHIN_SECONDS}; fails naming what did not happen. */
    static void await(CheckedCondition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WITHIN_SECONDS);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + WITHIN_SECONDS + " s (a wait lasts 25 s): " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
