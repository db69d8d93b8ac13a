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
 * Eight devices of four users keep a shared calendar through the real server over HTTP: owners share, change
 * permissions and unshare while recipients accept, leave, edit and try what they may not, through lost answers,
 * crashes mid-sync and offline periods. Every device ends with exactly what its user may see, never holds after a
 * pull what they may not, and the server applies no write without its rights and loses none it acknowledged: see
 * {@link SharedSimulation}.
 *
 * <p>A failing seed names itself; replay it with {@code -Dmooring.sharedsim.seed=N}. A soak run tries random seeds
 * for a while: {@code -Dmooring.sharedsim.seconds=N} (and {@code -Dmooring.sharedsim.operations=N}, default 250).
 */
class SharedConvergenceSimulationTest {
    private static final int OPERATIONS = Integer.getInteger("mooring.sharedsim.operations", 250);

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();
    private static final SimulationSeeds SEEDS = new SimulationSeeds("mooring.sharedsim", pg);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyDeviceHoldsWhatItsUserMaySeeAndTheServerAppliesOnlyPermittedWrites(long seed) throws Exception {
        SEEDS.run(seed, dir, SharedConvergenceSimulationTest::simulate);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sharedsim.seed", matches = "-?\\d+")
    void theSeedGivenOnTheCommandLineConverges() throws Exception {
        SEEDS.run(Long.getLong("mooring.sharedsim.seed"), dir, SharedConvergenceSimulationTest::simulate);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sharedsim.seconds", matches = "\\d+")
    void randomSeedsConvergeForAsLongAsTheSoakRuns() throws Exception {
        SEEDS.soak(dir, SharedConvergenceSimulationTest::simulate);
    }

    private static SimulationSeeds.Outcome simulate(long seed, DataSource database, Path files) throws Exception {
        return new SharedSimulation(seed, database, files, OPERATIONS).run();
    }
}
