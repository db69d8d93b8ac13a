package dev.mooring.bench;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import org.flywaydb.core.Flyway;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wall time of {@code mooring info} from a cold JVM, against Flyway's {@code info()} also from a cold JVM
 * ({@link FlywayInfoMain} in this jar), on a SQLite database with every generated migration applied. Each command is
 * run {@code --runs} times as a subprocess with the same {@code java}; median and min are reported. JMH does not
 * fit here: the point is the start-up a user waits for, class loading and JIT warm-up included. If the CLI jar is
 * missing, Mooring's side is skipped with a message and Flyway's is still measured. Usage:
 * <pre>
 * java -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.InfoWallTime
 *      [--cli mooring-cli/target/mooring.jar] [--runs 10] [--migrations 1000]
 * </pre>
 */
public final class InfoWallTime {
    private InfoWallTime() {
    }

    public static void main(String[] args) throws Exception {
        Path cli = Path.of("mooring-cli/target/mooring.jar");
        int runs = 10;
        int count = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--cli" -> cli = Path.of(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--migrations" -> count = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]
                        + ". Usage: [--cli mooring.jar] [--runs N] [--migrations N]");
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path benchJar = Path.of(InfoWallTime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = Files.createTempDirectory("mooring-info-");
        try {
            MigrationSet set = MigrationSet.generate(root.resolve("migrations"), count);
            List<String> lines = new ArrayList<>();
            lines.add("Cold-JVM info on SQLite, " + count + " migrations applied, " + runs + " runs each ("
                    + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ")");
            lines.add("");
            lines.add("| command | median ms | min ms | max ms |");
            lines.add("|---|---|---|---|");

            Path flywayDb = root.resolve("flyway.db");
            Contender.flyway(DatabaseUrl.parse(flywayDb.toString()).toDataSource(), set).migrate();
            Timing flyway = time(runs, List.of(java, "-cp", benchJar.toString(), FlywayInfoMain.class.getName(),
                    flywayDb.toString(), set.flywayFolder().toString()), root, 2);
            // A cold no-op: what an application's start-up pays when nothing is pending (no in-process cache helps).
            Timing flywayMigrate = time(runs, List.of(java, "-cp", benchJar.toString(), FlywayInfoMain.class.getName(),
                    flywayDb.toString(), set.flywayFolder().toString(), "migrate"), root, 1);
            Timing mooring = null;
            Timing mooringMigrate = null;
            if (Files.isRegularFile(cli)) {
                Path mooringDb = root.resolve("mooring.db");
                Migrator.create(DatabaseUrl.parse(mooringDb.toString()).toDataSource(),
                        MigrationConfig.of("filesystem:" + set.mooringFolder())).migrate();
                mooring = time(runs, List.of(java, "-jar", cli.toString(), "info", "--url", mooringDb.toString(),
                        "--locations", set.mooringFolder().toString()), root, 2);
                mooringMigrate = time(runs, List.of(java, "-jar", cli.toString(), "migrate", "--url", mooringDb.toString(),
                        "--locations", set.mooringFolder().toString()), root, 1);
                lines.add(row("mooring info (" + cli + ")", mooring));
            } else {
                System.out.println("SKIPPED mooring info: the CLI jar " + cli.toAbsolutePath() + " does not exist. Build it "
                        + "(mvn -q -B -pl mooring-cli -am package -DskipTests) or pass --cli PATH; measuring Flyway only.");
            }
            lines.add(row("Flyway info() (FlywayInfoMain)", flyway));
            if (mooringMigrate != null) {
                lines.add(row("mooring migrate, nothing pending", mooringMigrate));
            }
            lines.add(row("Flyway migrate(), nothing pending (FlywayInfoMain … migrate)", flywayMigrate));
            lines.add("");
            if (mooring != null) {
                lines.add("mooring info printed " + mooring.excerpt());
            }
            lines.add("FlywayInfoMain printed " + flyway.excerpt());
            if (mooring != null) {
                lines.add("");
                lines.add(String.format(Locale.ROOT, "Mooring/Flyway (median): info %.2f, cold no-op migrate %.2f",
                        mooring.median() / flyway.median(), mooringMigrate.median() / flywayMigrate.median()));
            }
            System.out.println(String.join(System.lineSeparator(), lines));
        } finally {
            Workspace.deleteTree(root);
        }
    }

    /** Wall times of one command, in ms, sorted, and a few lines of what it printed (evidence it did the work). */
    private record Timing(List<Double> millis, String excerpt) {
        double median() {
            int n = millis.size();
            return n % 2 == 1 ? millis.get(n / 2) : (millis.get(n / 2 - 1) + millis.get(n / 2)) / 2;
        }
    }

    private static Timing time(int runs, List<String> command, Path workDir, int minLines) throws IOException, InterruptedException {
        List<Double> millis = new ArrayList<>();
        File stdout = workDir.resolve("stdout.txt").toFile();
        File stderr = workDir.resolve("stderr.txt").toFile();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            // Output goes to a file, not a pipe we would have to drain: the child never blocks on us.
            Process p = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
            int exit = p.waitFor();
            millis.add((System.nanoTime() - start) / 1e6);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n"
                        + Files.readString(stderr.toPath()) + Files.readString(stdout.toPath()));
            }
        }
        List<String> printed = Files.readAllLines(stdout.toPath());
        if (printed.size() < minLines) {
            throw new IllegalStateException(String.join(" ", command) + " printed almost nothing; is it the right command?");
        }
        millis.sort(Double::compare);
        List<String> nonBlank = printed.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return new Timing(millis, printed.size() + " lines; first: \"" + nonBlank.get(0) + "\"; last: \""
                + nonBlank.get(nonBlank.size() - 1) + "\"");
    }

    private static String row(String what, Timing t) {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |", what, t.median(), t.millis().get(0),
                t.millis().get(t.millis().size() - 1));
    }
}
