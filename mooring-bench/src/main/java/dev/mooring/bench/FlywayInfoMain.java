package dev.mooring.bench;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Flyway's counterpart of {@code mooring info}, run in a fresh JVM by {@link InfoWallTime}: configure Flyway on a
 * SQLite file and a folder, call {@code info()}, and print one line per migration, as a CLI would; or, with a third
 * argument {@code migrate}, call {@code migrate()} and print what it did (the cold no-op). Usage:
 * {@code java -cp benchmarks.jar dev.mooring.bench.FlywayInfoMain <sqlite file> <folder> [migrate]}.
 */
public final class FlywayInfoMain {
    private FlywayInfoMain() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("Usage: FlywayInfoMain <sqlite file> <migrations folder> [migrate]");
            System.exit(2);
        }
        // Same reason as in Contender: measure Flyway's work, not its INFO log lines.
        Logger flywayLog = Logger.getLogger("org.flywaydb");
        flywayLog.setLevel(Level.WARNING);
        Flyway flyway = Flyway.configure()
                .dataSource("jdbc:sqlite:" + args[0], null, null)
                .locations("filesystem:" + args[1])
                .load();
        if (args.length == 3 && args[2].equals("migrate")) {
            var result = flyway.migrate();
            System.out.println("applied " + result.migrationsExecuted + ", now at version " + result.targetSchemaVersion);
            return;
        }
        StringBuilder out = new StringBuilder();
        int applied = 0;
        for (MigrationInfo m : flyway.info().all()) {
            out.append(m.getVersion()).append(" | ").append(m.getDescription()).append(" | ").append(m.getState().getDisplayName())
                    .append(" | ").append(m.getInstalledOn()).append(" | ").append(m.getExecutionTime()).append('\n');
            if (m.getState().isApplied()) {
                applied++;
            }
        }
        out.append(applied).append(" applied\n");
        System.out.print(out);
    }
}
