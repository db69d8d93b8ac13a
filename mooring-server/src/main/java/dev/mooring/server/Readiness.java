package dev.mooring.server;

import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.Migrator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The readiness probe's question: is the database reachable, with the sync schema installed and every one of its
 * migrations this server knows applied? Answers within {@link #TIMEOUT} whatever the database does: the check runs on
 * a thread of its own, and a probe that finds one still running (waiting for a connection from a pool whose database
 * is gone, say) waits for that one instead of starting another, so a dead database costs one blocked thread, not one
 * per probe. Why it is not ready goes to the log ({@code dev.mooring.server.Readiness}), once per change, never into
 * the probe's answer. Thread-safe; {@link #close()} stops the checking thread.
 */
final class Readiness implements AutoCloseable {
    /** How long a probe waits for the database: below the 3 s a probe should allow, far above a healthy check. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(Readiness.class.getName());

    private final DataSource dataSource;
    private final MigrationVersion expected;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mooring-readiness");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> running;
    private volatile Boolean lastAnswer;

    private Readiness(DataSource dataSource, MigrationVersion expected) {
        this.dataSource = dataSource;
        this.expected = expected;
    }

    /** Readiness of {@code dataSource}, expecting the newest sync schema migration this server ships. */
    static Readiness of(DataSource dataSource) {
        MigrationVersion newest = SyncSchema.migrator(dataSource).info().migrations().stream()
                .filter(m -> m.state() != MigrationState.MISSING)
                .map(MigrationInfo::version).filter(Objects::nonNull).map(MigrationVersion::parse)
                .max(MigrationVersion::compareTo)
                .orElseThrow(() -> new IllegalStateException("the sync schema's migrations are not on the class path"));
        return new Readiness(dataSource, newest);
    }

    /** Whether the server can serve sync now; {@code false} too when the database did not answer within the timeout. */
    boolean ready() {
        CompletableFuture<Boolean> check;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::check, checker);
            }
            check = running;
        }
        try {
            return check.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            note(false, "the database did not answer within " + TIMEOUT.toMillis() + " ms");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false; // check() catches what the database throws
        }
    }

    private boolean check() {
        try (Connection c = dataSource.getConnection()) {
            String applied = Migrator.appliedVersion(c, SyncSchema.HISTORY_TABLE).orElse(null);
            if (applied == null || MigrationVersion.parse(applied).compareTo(expected) < 0) {
                return note(false, "the sync schema is at " + (applied == null ? "no version" : applied) + ", this server"
                        + " needs " + expected + "; run mooring server (or SyncSchema.install) to bring it up to date");
            }
            return note(true, "the database is reachable and the sync schema is at " + applied);
        } catch (Exception e) {
            return note(false, "the database cannot be reached: " + e.getMessage());
        }
    }

    /** Logs the answer when it differs from the last one, and returns it. */
    private boolean note(boolean ready, String why) {
        Boolean before = lastAnswer;
        lastAnswer = ready;
        if (before == null ? !ready : before != ready) {
            LOG.log(ready ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    (ready ? "ready: " : "not ready: ") + why);
        }
        return ready;
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
