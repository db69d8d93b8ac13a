package dev.mooring.bench;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import org.flywaydb.core.Flyway;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The three ways of applying a {@link MigrationSet} that are measured side by side. Each prepares its
 * configured object (a {@link Migrator}, a {@link Flyway}) outside the measured code, so a measurement covers the
 * {@code migrate} call alone. Stateless.
 */
public enum Contender {
    MOORING {
        @Override
        public Run prepare(DataSource dataSource, MigrationSet set) {
            Migrator migrator = Migrator.create(dataSource, MigrationConfig.of("filesystem:" + set.mooringFolder()));
            return () -> migrator.migrate().applied().size();
        }
    },
    FLYWAY {
        @Override
        public Run prepare(DataSource dataSource, MigrationSet set) {
            Flyway flyway = flyway(dataSource, set);
            return () -> flyway.migrate().migrationsExecuted;
        }
    },
    FLOOR {
        @Override
        public Run prepare(DataSource dataSource, MigrationSet set) {
            return () -> BareJdbcFloor.apply(dataSource, set);
        }
    };

    /**
     * Flyway logs one INFO line per migration through java.util.logging; Mooring and the floor log nothing.
     * Muting it measures Flyway's engine rather than its console, which makes the comparison harder for Mooring,
     * not easier. Held in a field because JUL keeps loggers only weakly and would forget the level.
     */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    static {
        FLYWAY_LOG.setLevel(Level.WARNING);
    }

    /** One {@code migrate} call, returning how many migrations it applied. */
    @FunctionalInterface
    public interface Run {
        int migrate() throws Exception;
    }

    /** Builds what {@link Run#migrate()} needs, against {@code dataSource}. */
    public abstract Run prepare(DataSource dataSource, MigrationSet set);

    /** Flyway as an application would configure it: defaults, plus the folder with its file names. */
    static Flyway flyway(DataSource dataSource, MigrationSet set) {
        return Flyway.configure().dataSource(dataSource).locations("filesystem:" + set.flywayFolder()).load();
    }

    /** The contender named by a JMH parameter ({@code mooring}, {@code flyway}, {@code floor}). */
    public static Contender named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
