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
 * Three devices of one user and the real server over HTTP, in random orders of edits, server syncs (some answers
 * lost) and peer exchanges (files and in memory, one way or both, some with only the later changes, which the server
 * then defers): every device ends with the server's rows, and no change is lost or decided twice, whichever way it
 * reached the server: see {@link PeerSimulation}.
 *
 * <p>A failing seed names itself; replay it with {@code -Dmooring.peersim.seed=N}. A soak run tries random seeds
 * for a while: {@code -Dmooring.peersim.seconds=N} (and {@code -Dmooring.peersim.operations=N}, default 150).
 */
class PeerConvergenceSimulationTest {
    private static final int OPERATIONS = Integer.getInteger("mooring.peersim.operations", 150);
    private static final AtomicLong DATABASES = new AtomicLong();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyDeviceEndsWithTheServersRowsWhateverTheOrderOfPeerAndServerSyncs(long seed) throws Exception {
        simulate(seed);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.peersim.seed", matches = "-?\\d+")
    void theSeedGivenOnTheCommandLineConverges() throws Exception {
        simulate(Long.getLong("mooring.peersim.seed"));
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.peersim.seconds", matches = "\\d+")
    void randomSeedsConvergeForAsLongAsTheSoakRuns() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(Long.getLong("mooring.peersim.seconds")).toNanos();
        SecureRandom seeds = new SecureRandom();
        int runs = 0;
        while (System.nanoTime() < until) {
            simulate(seeds.nextLong());
            runs++;
        }
        System.out.println("mooring.peersim: " + runs + " seeds passed");
    }

    private void simulate(long seed) throws Exception {
        System.out.println("mooring.peersim: seed " + seed + " started");
        long run = DATABASES.incrementAndGet();
        String database = pg.databaseName() + "_peersim" + run;
        pg.server().createDatabaseIfMissing(database);
        try {
            Path files = Files.createDirectories(dir.resolve("seed" + run));
            PeerSimulation.Outcome outcome;
            try {
                outcome = new PeerSimulation(seed, pg.server().dataSource(database), files, OPERATIONS).run();
            } catch (Exception | AssertionError e) {
                throw new AssertionError("seed " + seed + " (replay with -Dmooring.peersim.seed=" + seed + ") failed: "
                        + e, e);
            }
            System.out.println("mooring.peersim: " + outcome);
            if (!outcome.violations().isEmpty()) {
                System.out.println(outcome.histories());
            }
            assertThat(outcome.violations())
                    .as("seed %d (replay with -Dmooring.peersim.seed=%d; row histories in the test output): %s", seed,
                            seed, outcome)
                    .isEmpty();
        } finally {
            pg.server().dropDatabase(database);
        }
    }
}
