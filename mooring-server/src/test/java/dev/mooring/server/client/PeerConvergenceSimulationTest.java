package dev.mooring.server.client;

import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import javax.sql.DataSource;
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

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();
    private static final SimulationSeeds SEEDS = new SimulationSeeds("mooring.peersim", pg);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyDeviceEndsWithTheServersRowsWhateverTheOrderOfPeerAndServerSyncs(long seed) throws Exception {
        SEEDS.run(seed, dir, PeerConvergenceSimulationTest::simulate);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.peersim.seed", matches = "-?\\d+")
    void theSeedGivenOnTheCommandLineConverges() throws Exception {
        SEEDS.run(Long.getLong("mooring.peersim.seed"), dir, PeerConvergenceSimulationTest::simulate);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.peersim.seconds", matches = "\\d+")
    void randomSeedsConvergeForAsLongAsTheSoakRuns() throws Exception {
        SEEDS.soak(dir, PeerConvergenceSimulationTest::simulate);
    }

    private static SimulationSeeds.Outcome simulate(long seed, DataSource database, Path files) throws Exception {
        return new PeerSimulation(seed, database, files, OPERATIONS).run();
    }
}
