package dev.mooring.migrate.internal;

import dev.mooring.core.Dialects;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.DriftReport;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.migrate.SchemaDifference;
import dev.mooring.migrate.internal.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Compares the live schema with the schema the migrations produce: migrates an empty scratch database to the live
 * database's current version (so pending migrations are not reported as drift), then compares snapshots of both,
 * leaving out the history table. Thread-safe.
 */
public final class DriftCheck {
    private DriftCheck() {
    }

    public static DriftReport run(DataSource live, DataSource scratch, MigrationConfig config) {
        String current = Migrator.create(live, config).info().currentVersion();
        try (Connection liveConnection = live.getConnection(); Connection scratchConnection = scratch.getConnection()) {
            Dialect dialect = Dialects.of(liveConnection);
            Dialect scratchDialect = Dialects.of(scratchConnection);
            if (!dialect.name().equals(scratchDialect.name())) {
                throw new MooringException(ErrorCode.CONFIGURATION, "The scratch database is " + scratchDialect.name()
                        + " but the live one is " + dialect.name() + "; drift needs a scratch database of the same kind.");
            }
            Set<String> ignored = Set.of(config.table());
            SchemaSnapshot before = SchemaSnapshot.read(scratchConnection, scratchDialect, ignored);
            // Extensions come with a new database (plpgsql) or its template; anything else means it was used before.
            List<String> used = before.objects().stream().filter(o -> o.type() != SchemaDifference.ObjectType.EXTENSION)
                    .map(o -> o.type().label() + " " + o.name()).limit(5).toList();
            if (!used.isEmpty()) {
                throw new MooringException(ErrorCode.CONFIGURATION, "The scratch database is not empty (it has "
                        + String.join(", ", used) + "). Drift builds the expected schema from nothing: give it an empty database.");
            }
            if (current != null) {
                Migrator.create(scratch, config.withTarget(current).withOutOfOrder(true).withCallbacks()).migrate();
            }
            SchemaSnapshot expected = SchemaSnapshot.read(scratchConnection, scratchDialect, ignored);
            SchemaSnapshot actual = SchemaSnapshot.read(liveConnection, dialect, ignored);
            return new DriftReport(expected.compareTo(actual));
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Drift check failed: " + e.getMessage(), e);
        }
    }
}
