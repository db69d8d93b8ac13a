package dev.mooring.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eleven devices of three users sync with the real server over HTTP through random edits, offline periods, lost
 * answers, crashes mid-sync, server restarts and clocks an hour off, and still end up with the server's rows, which
 * are what the conflict rules make of every write the apps made: see {@link Simulation}.
 *
 * <p>A failing seed names itself; replay it with {@code -Dmooring.sim.seed=N}. A soak run tries random seeds for a
 * while: {@code -Dmooring.sim.seconds=N} (and {@code -Dmooring.sim.operations=N}, default 250).
 */
class ConvergenceSimulationTest {
    private static final int OPERATIONS = Integer.getInteger("mooring.sim.operations", 250);
    private static final AtomicLong DATABASES = new AtomicLong();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void everyDeviceEndsWithTheServersRowsAndTheServerWithWhatTheRulesMakeOfEveryWrite(long seed) throws Exception {
        simulate(seed);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sim.seed", matches = "-?\\d+")
    void theSeedGivenOnTheCommandLineConverges() throws Exception {
        simulate(Long.getLong("mooring.sim.seed"));
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sim.seconds", matches = "\\d+")
    void randomSeedsConvergeForAsLongAsTheSoakRuns() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(Long.getLong("mooring.sim.seconds")).toNanos();
        SecureRandom seeds = new SecureRandom();
        int runs = 0;
        while (System.nanoTime() < until) {
            simulate(seeds.nextLong());
            runs++;
        }
        System.out.println("mooring.sim: " + runs + " seeds passed");
    }

    /**
     * Runs one seed on a database and in a folder of its own; fails naming the seed. The histories of the rows a
     * failure names go to the test's output (target/surefire-reports/…ConvergenceSimulationTest-output.txt).
     */
    private void simulate(long seed) throws Exception {
        System.out.println("mooring.sim: seed " + seed + " started");
        long run = DATABASES.incrementAndGet();
        String database = pg.databaseName() + "_sim" + run;
        pg.server().createDatabaseIfMissing(database);
        try {
            Path files = Files.createDirectories(dir.resolve("seed" + run));
            Simulation.Outcome outcome;
            try {
                outcome = new Simulation(seed, pg.server().dataSource(database), files, OPERATIONS).run();
            } catch (Exception | AssertionError e) {
                throw new AssertionError("seed " + seed + " (replay with -Dmooring.sim.seed=" + seed + ") failed: " + e,
                        e);
            }
            System.out.println("mooring.sim: " + outcome);
            if (!outcome.violations().isEmpty()) {
                System.out.println(outcome.histories());
            }
            assertThat(outcome.violations())
                    .as("seed %d (replay with -Dmooring.sim.seed=%d; row histories in the test output): %s", seed, seed,
                            outcome)
                    .isEmpty();
        } finally {
            pg.server().dropDatabase(database);
        }
    }
}
