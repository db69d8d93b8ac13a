package dev.mooring.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * How the simulation tests run seeds: each on a database and in a folder of its own, failing with the seed and how
 * to replay it, with the histories of the rows a failure names in the test's output
 * (target/surefire-reports/…-output.txt); and a soak that tries random seeds for as long as asked. A test's system
 * properties share a prefix ({@code mooring.sim}): {@code <prefix>.seed} replays one, {@code <prefix>.seconds} soaks.
 * Not thread-safe (tests of one class run one at a time).
 */
final class SimulationSeeds {
    /** What one run of a simulation found, and the story of the rows its violations name. */
    interface Outcome {
        List<String> violations();

        String histories();
    }

    /** One run of a simulation: the seed, the database it may use alone, a folder for its device files. */
    @FunctionalInterface
    interface Run {
        Outcome run(long seed, DataSource database, Path files) throws Exception;
    }

    private final String prefix;
    private final PostgresDatabaseExtension pg;
    private final AtomicLong databases = new AtomicLong();

    SimulationSeeds(String prefix, PostgresDatabaseExtension pg) {
        this.prefix = prefix;
        this.pg = pg;
    }

    /** Runs one seed and fails, naming it, when it found something. */
    void run(long seed, Path dir, Run simulation) throws Exception {
        System.out.println(prefix + ": seed " + seed + " started");
        long run = databases.incrementAndGet();
        String database = pg.databaseName() + "_" + prefix.substring(prefix.lastIndexOf('.') + 1) + run;
        pg.server().createDatabaseIfMissing(database);
        try {
            Path files = Files.createDirectories(dir.resolve("seed" + run));
            Outcome outcome;
            try {
                outcome = simulation.run(seed, pg.server().dataSource(database), files);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("seed " + seed + " (replay with -D" + prefix + ".seed=" + seed + ") failed: "
                        + e, e);
            }
            System.out.println(prefix + ": " + outcome);
            if (!outcome.violations().isEmpty()) {
                System.out.println(outcome.histories());
            }
            assertThat(outcome.violations())
                    .as("seed %d (replay with -D%s.seed=%d; row histories in the test output): %s", seed, prefix, seed,
                            outcome)
                    .isEmpty();
        } finally {
            pg.server().dropDatabase(database);
        }
    }

    /** Runs random seeds for {@code <prefix>.seconds} seconds; fails at the first that finds something. */
    void soak(Path dir, Run simulation) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(Long.getLong(prefix + ".seconds")).toNanos();
        SecureRandom seeds = new SecureRandom();
        int runs = 0;
        while (System.nanoTime() < until) {
            run(seeds.nextLong(), dir, simulation);
            runs++;
        }
        System.out.println(prefix + ": " + runs + " seeds passed");
    }
}
