package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupScheduleTest {
    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    /** Collects what the schedule reports. */
    static final class Runs implements BackupSchedule.Listener {
        final BlockingQueue<BackupRun> finished = new LinkedBlockingQueue<>();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();

        @Override
        public void started(Instant at) {
            started.incrementAndGet();
        }

        @Override
        public void finished(BackupRun run, BackupScheduleStatus status) {
            finished.add(run);
        }

        @Override
        public void skipped(long count, Instant runningSince) {
            skipped.addAndGet((int) count);
        }

        BackupRun next() throws InterruptedException {
            BackupRun run = finished.poll(60, TimeUnit.SECONDS);
            assertThat(run).as("a run finished within a minute").isNotNull();
            return run;
        }
    }

    static BackupRun ok(Instant started) {
        return new BackupRun(started, Instant.now(), true, 0, "x", "here", List.of(), false, 0, null);
    }

    @Test
    void aRunDueWhileTheOneBeforeStillRunsIsSkippedNeverRunBesideIt() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Runs runs = new Runs();
        BackupSchedule schedule = new BackupSchedule(ScheduledBackup.every(Duration.ofSeconds(1)), "here", started -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (calls.incrementAndGet() == 1) {
                    firstMayEnd.await(); // the first backup outlasts three intervals
                }
                return ok(started);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                concurrent.decrementAndGet();
            }
        }, runs);
        try {
            schedule.begin(null, Instant.now());
            while (runs.started.get() == 0) {
                Thread.sleep(10);
            }
            Thread.sleep(3_200);
            assertThat(schedule.status().running()).isTrue();
            assertThat(runs.started.get()).as("no second run while the first runs").isEqualTo(1);
            firstMayEnd.countDown();

            assertThat(runs.next().succeeded()).isTrue();
            assertThat(runs.skipped.get()).as("the runs due during the first were skipped").isGreaterThanOrEqualTo(3);
            assertThat(schedule.status().skippedRuns()).isEqualTo(runs.skipped.get());
            assertThat(runs.next().succeeded()).isTrue(); // and the schedule goes on at its rhythm
            assertThat(most.get()).isEqualTo(1);
        } finally {
            schedule.close();
        }
    }

    @Test
    void aFailedRunIsReportedWithItsExitCodeAndRetriedSoonerThanTheInterval() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Runs runs = new Runs();
        ScheduledBackup plan = ScheduledBackup.every(Duration.ofHours(1)).withRetryAfter(Duration.ofMillis(200));
        BackupSchedule schedule = new BackupSchedule(plan, "here", started -> {
            if (calls.incrementAndGet() <= 2) {
                throw new MooringException(ErrorCode.CONNECTION, "the database is down: start it");
            }
            return ok(started);
        }, runs);
        try {
            schedule.begin(null, Instant.now());
            BackupRun failed = runs.next();
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.exitCode()).isEqualTo(ErrorCode.CONNECTION.exitCode());
            assertThat(failed.error()).isEqualTo("the database is down: start it");

            assertThat(runs.next().succeeded()).isFalse();
            assertThat(runs.next().succeeded()).isTrue();
            BackupScheduleStatus status = schedule.status();
            assertThat(status.state()).isEqualTo("ok");
            assertThat(status.consecutiveFailures()).isZero();
            assertThat(status.nextRunAt()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
        } finally {
            schedule.close();
        }
    }

    @Test
    void statusSaysFailingWithTheExitCodeUntilARunSucceeds() throws Exception {
        Runs runs = new Runs();
        BackupSchedule schedule = new BackupSchedule(ScheduledBackup.every(Duration.ofHours(1)), "here", started -> {
            throw new MooringException(ErrorCode.IO, "the disk is full");
        }, runs);
        try {
            schedule.begin(null, Instant.now());
            runs.next();
            BackupScheduleStatus status = schedule.status();
            assertThat(status.state()).isEqualTo("failing");
            assertThat(status.healthy()).isFalse();
            assertThat(status.exitCode()).isEqualTo(ErrorCode.IO.exitCode());
            assertThat(status.consecutiveFailures()).isEqualTo(1);
            assertThat(status.lastRun().error()).isEqualTo("the disk is full");
        } finally {
            schedule.close();
        }
    }

    @Test
    void aRestartedScheduleWaitsAnIntervalAfterTheNewestBackupThere() throws Exception {
        Runs runs = new Runs();
        BackupSchedule schedule = new BackupSchedule(ScheduledBackup.every(Duration.ofHours(24)), "here", BackupScheduleTest::ok, runs);
        try {
            Instant last = Instant.now().minus(Duration.ofHours(3));
            schedule.begin(last, Instant.now());
            BackupScheduleStatus status = schedule.status();
            assertThat(status.nextRunAt()).isEqualTo(last.plus(Duration.ofHours(24)));
            assertThat(status.state()).isEqualTo("ok");
            assertThat(status.lastBackupAt()).isEqualTo(last);
            assertThat(runs.finished.poll(500, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            schedule.close();
        }
        assertThat(schedule.status().nextRunAt()).isNull();
    }

    @Test
    void anOverdueBackupMakesTheStatusLate() {
        BackupSchedule schedule = new BackupSchedule(ScheduledBackup.every(Duration.ofHours(1)), "here", BackupScheduleTest::ok, new Runs());
        try {
            schedule.begin(Instant.now().minus(Duration.ofHours(3)), Instant.now().plus(Duration.ofDays(1)));
            assertThat(schedule.status().state()).isEqualTo("late");
        } finally {
            schedule.close();
        }
    }

    @Test
    void sqliteBackupsOnAScheduleAreVerifiedAndPrunedAfterEachSuccess() throws Exception {
        SqliteFixture.create(sqlite.url());
        Path dumps = sqlite.folder().resolve("dumps");
        Path copies = sqlite.folder().resolve("copies");
        BackupConfig config = BackupConfig.defaults().withDir(dumps);
        Runs runs = new Runs();
        ScheduledBackup plan = ScheduledBackup.every(Duration.ofSeconds(1)).withVerify(true)
                .withRetention(new RetentionPolicy(0, 1)).withCopies(List.of(BackupLocation.folder(copies)));
        try (BackupSchedule schedule = BackupSchedule.start(sqlite.url(), config, plan, null, runs)) {
            BackupRun first = runs.next();
            assertThat(first.succeeded()).as(String.valueOf(first.error())).isTrue();
            assertThat(first.verified()).isTrue();
            assertThat(first.copies()).containsExactly(copies.toString());
            BackupRun second = runs.next();
            assertThat(second.succeeded()).isTrue();
            assertThat(second.pruned()).as("the first backup, in both places").isEqualTo(2);
            assertThat(backups(dumps)).containsExactly(second.file());
            assertThat(backups(copies)).containsExactly(second.file());
            assertThat(schedule.status().lastBackupAt()).isEqualTo(second.startedAt());
        }
    }

    @Test
    void aFailedBackupPrunesNothing() throws Exception {
        SqliteFixture.create(sqlite.url());
        Path dumps = sqlite.folder().resolve("dumps");
        BackupConfig config = BackupConfig.defaults().withDir(dumps);
        BackupManifest kept = Backups.create(sqlite.url(), config).backup();
        Files.move(sqlite.url().sqliteFile(), sqlite.folder().resolve("moved-away.db"));
        Runs runs = new Runs();
        ScheduledBackup plan = ScheduledBackup.every(Duration.ofSeconds(1)).withRetention(new RetentionPolicy(0, 0));
        try (BackupSchedule schedule = BackupSchedule.start(sqlite.url(), config, plan, null, runs)) {
            BackupRun failed = runs.next();
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
            assertThat(failed.error()).contains("There is no SQLite database");
            assertThat(schedule.status().state()).isEqualTo("failing");
        }
        assertThat(backups(dumps)).containsExactly(kept.file());
    }

    @Test
    void aScheduleIntoAFolderThatCannotBeListedDoesNotStart() throws Exception {
        SqliteFixture.create(sqlite.url());
        Path notAFolder = Files.writeString(sqlite.folder().resolve("file"), "x");
        BackupConfig config = BackupConfig.defaults().withDir(notAFolder);
        assertThatThrownBy(() -> BackupSchedule.start(sqlite.url(), config, ScheduledBackup.every(Duration.ofHours(1)),
                null, new Runs())).isInstanceOf(MooringException.class).hasMessageContaining(notAFolder.toString());
    }

    static List<String> backups(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".manifest.json")).sorted().toList();
        }
    }
}
