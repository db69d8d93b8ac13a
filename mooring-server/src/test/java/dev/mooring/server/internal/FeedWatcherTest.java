package dev.mooring.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncedTable;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher reports each user with a change once the change can be pulled — once, in whatever order transactions
 * commit — and what was running when it started as everyone, once.
 */
class FeedWatcherTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @BeforeEach
    void install() throws SQLException {
        exec(pg.dataSource().getConnection(), "CREATE TABLE notes (id text PRIMARY KEY, user_id text NOT NULL, title text,"
                + " deleted_at timestamptz)", "CREATE TABLE docs (id text PRIMARY KEY, title text, deleted_at timestamptz)");
        SyncSchema.install(pg.dataSource(), SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.publicRead("docs")));
    }

    @Test
    void eachCommittedChangeIsReportedOnceForItsUser() throws SQLException {
        FeedWatcher watcher = FeedWatcher.start(pg.dataSource());
        assertThat(watcher.poll()).isEmpty();
        write("INSERT INTO notes VALUES ('n1', 'alice', 'a')", "INSERT INTO notes VALUES ('n2', 'bob', 'b')");
        assertThat(watcher.poll()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(watcher.poll()).isEmpty();
        write("UPDATE notes SET title = 'a2' WHERE id = 'n1'");
        write("INSERT INTO docs VALUES ('d1', 'for all')");
        assertThat(watcher.poll()).containsExactlyInAnyOrder("alice", FeedWatcher.EVERYONE);
        watcher.close();
    }

    @Test
    void aLateCommitIsReportedWhenItCommitsAndWhatItHeldBackThen() throws SQLException {
        FeedWatcher watcher = FeedWatcher.start(pg.dataSource());
        try (Connection late = pg.dataSource().getConnection(); Statement s = late.createStatement()) {
            late.setAutoCommit(false);
            s.execute("INSERT INTO notes VALUES ('n1', 'alice', 'late')");
            write("INSERT INTO notes VALUES ('n2', 'bob', 'early')");
            // bob's change cannot be pulled while an older transaction runs: nobody is woken for it yet
            assertThat(watcher.poll()).isEmpty();
            for (int i = 0; i < 50; i++) {
                write("INSERT INTO notes VALUES ('x" + i + "', 'carol', 'meanwhile')");
            }
            assertThat(watcher.poll()).isEmpty();
            late.commit();
        }
        assertThat(watcher.poll()).containsExactlyInAnyOrder("alice", "bob", "carol");
        assertThat(watcher.poll()).isEmpty();
        watcher.close();
    }

    @Test
    void whatWasRunningWhenItStartedIsReportedAsEveryoneOnceItEnds() throws SQLException {
        try (Connection running = pg.dataSource().getConnection(); Statement s = running.createStatement()) {
            running.setAutoCommit(false);
            s.execute("INSERT INTO notes VALUES ('n1', 'alice', 'begun before the watcher')");
            FeedWatcher watcher = FeedWatcher.start(pg.dataSource());
            write("INSERT INTO notes VALUES ('n2', 'bob', 'after')");
            assertThat(watcher.poll()).isEmpty();
            running.commit();
            assertThat(watcher.poll()).contains(FeedWatcher.EVERYONE, "bob");
            assertThat(watcher.poll()).isEmpty();
            watcher.close();
        }
    }

    private static void write(String... sql) throws SQLException {
        exec(pg.dataSource().getConnection(), sql);
    }

    private static void exec(Connection connection, String... sql) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }
}
