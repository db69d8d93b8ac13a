package dev.mooring.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Applying every migration to a fresh, empty database: one {@code migrate} call per iteration, so SingleShotTime,
 * with a new database made (and the previous one dropped) outside the measured call. JMH runs one fork per
 * database and contender; a fork holds one {@link Workspace}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ApplyAllBenchmark {
    @Param({"sqlite", "postgresql"})
    public String database;

    @Param({"floor", "mooring", "flyway"})
    public String contender;

    @Param("1000")
    public int migrations;

    private Workspace workspace;
    private Workspace.FreshDatabase target;
    private Contender.Run run;
    private int applied;

    @Setup(Level.Trial)
    public void openWorkspace() {
        workspace = Workspace.open(Workspace.Kind.named(database), migrations);
    }

    @Setup(Level.Iteration)
    public void freshDatabase() {
        target = workspace.freshDatabase();
        run = Contender.named(contender).prepare(target.dataSource(), workspace.migrations());
        Workspace.settleDisk();
    }

    @Benchmark
    public int applyAll() throws Exception {
        applied = run.migrate();
        return applied;
    }

    @TearDown(Level.Iteration)
    public void dropDatabase() {
        target.close();
        // A contender that silently applied less would look fast: refuse the measurement instead.
        if (applied != migrations) {
            throw new IllegalStateException(contender + " applied " + applied + " of " + migrations + " migrations on " + database);
        }
    }

    @TearDown(Level.Trial)
    public void closeWorkspace() {
        workspace.close();
    }
}
