package dev.mooring.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Runs every migration benchmark in one JMH run and prints the ratio table computed from that run's results.
 * <pre>
 * java -jar mooring-bench/target/benchmarks.jar [--migrations N] [--database sqlite|postgresql] [--quick] [--only apply|noop]
 *                                               [--json results.json] [--markdown results.md]
 * </pre>
 * For raw JMH (its own command line, no ratio table): {@code java -cp benchmarks.jar org.openjdk.jmh.Main}.
 */
public final class BenchmarkMain {
    private BenchmarkMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        String migrations = "1000";
        String database = null;
        boolean quick = false;
        String only = null;
        // Keep JMH's result file out of the source tree when run from the repository root, as documented.
        Path json = Files.isDirectory(Path.of("mooring-bench", "target"))
                ? Path.of("mooring-bench", "target", "jmh-result.json") : Path.of("jmh-result.json");
        Path markdown = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--migrations" -> migrations = value(args, ++i);
                case "--database" -> database = value(args, ++i);
                case "--quick" -> quick = true;
                case "--only" -> only = value(args, ++i);
                case "--json" -> json = Path.of(value(args, ++i));
                case "--markdown" -> markdown = Path.of(value(args, ++i));
                default -> {
                    System.err.println("Unknown argument " + args[i] + ". Usage: [--migrations N] [--database sqlite|postgresql] "
                            + "[--quick] [--only apply|noop] [--json FILE] [--markdown FILE]");
                    System.exit(2);
                }
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder();
        if (only == null || only.equals("apply")) {
            options.include(Pattern.quote(ApplyAllBenchmark.class.getName()) + "\\.");
        }
        if (only == null || only.equals("noop")) {
            options.include(Pattern.quote(NoOpMigrateBenchmark.class.getName()) + "\\.");
        }
        options.param("migrations", migrations)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (database != null) {
            options.param("database", database);
        }
        if (quick) {
            // A smoke run of the harness itself, not a measurement to quote.
            options.warmupIterations(1).measurementIterations(2)
                    .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        String table = RatioTable.of(results).toMarkdown();
        System.out.println();
        System.out.println("Mooring vs Flyway vs bare JDBC, " + migrations + " migrations"
                + (quick ? " (--quick: smoke run, not a measurement)" : ""));
        System.out.println();
        System.out.println(table);
        if (markdown != null) {
            Files.writeString(markdown, table, StandardCharsets.UTF_8);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
