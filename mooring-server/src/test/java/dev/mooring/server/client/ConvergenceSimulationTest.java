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
 * Eleven devices of three users sync with the real server over HTTP through random edits, offline periods, lost
 * answers, crashes mid-sync, server restarts and clocks an hour off, and still end up with the server's rows, which
 * are what the conflict rules make of every write the apps made: see {@link Simulation}.
 *
 * <p>A failing seed names itself; replay it with {@code -Dmooring.sim.seed=N}. A soak run tries random seeds for a
 * while: {@code -Dmooring.sim.seconds=N} (and {@code -Dmooring.sim.operations=N}, default 250).
 */
class ConvergenceSimulationTest {
    private static final int OPERATIONS = Integer.getInteger("mooring.sim.operations", 250);

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();
    private static final SimulationSeeds SEEDS = new SimulationSeeds("mooring.sim", pg);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void everyDeviceEndsWithTheServersRowsAndTheServerWithWhatTheRulesMakeOfEveryWrite(long seed) throws Exception {
        SEEDS.run(seed, dir, ConvergenceSimulationTest::simulate);
    }

    /**
     * The same, with the devices spread over two server instances on the one database — the second a process of
     * its own, killed with SIGKILL while one of its devices syncs and started again, twice in the run.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3})
    void devicesSpreadOverTwoServerInstancesOneKilledMidRunConvergeAsWell(long seed) throws Exception {
        SEEDS.run(seed, dir, (s, database, files) -> new Simulation(s, database, files, OPERATIONS, true).run());
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sim.seed", matches = "-?\\d+")
    void theSeedGivenOnTheCommandLineConverges() throws Exception {
        SEEDS.run(Long.getLong("mooring.sim.seed"), dir, ConvergenceSimulationTest::simulate);
    }

    @Test
    @EnabledIfSystemProperty(named = "mooring.sim.seconds", matches = "\\d+")
    void randomSeedsConvergeForAsLongAsTheSoakRuns() throws Exception {
        SEEDS.soak(dir, ConvergenceSimulationTest::simulate);
    }

    private static SimulationSeeds.Outcome simulate(long seed, DataSource database, Path files) throws Exception {
        return new Simulation(seed, database, files, OPERATIONS).run();
    }
}
