package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.DriftReport;
import dev.mooring.migrate.Migrator;
import dev.mooring.migrate.SchemaDifference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code mooring drift}: does the live schema match what the migrations build? */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Build the schema the migrations produce on a scratch database (embedded PostgreSQL or a temporary "
                + "SQLite file) and report tables, columns, indexes and constraints that differ from the live database. "
                + "Exits with code 10 when they differ.")
public final class DriftCommand extends DatabaseCommand {
    @Option(names = "--scratch-url", paramLabel = "URL",
            description = "An empty database of the same kind to build the expected schema in. Default: embedded PostgreSQL "
                    + "or a temporary SQLite file.")
    String scratchUrl;

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        String note = null;
        DriftReport report;
        if (scratchUrl != null) {
            report = migrator.drift(DatabaseUrl.parse(scratchUrl).toDataSource());
        } else if (url.dialect().name().equals("sqlite")) {
            Path tmp = null;
            try {
                tmp = Files.createTempFile("mooring-drift", ".db");
                Files.delete(tmp);
                report = migrator.drift(DatabaseUrl.parse(tmp.toString()).toDataSource());
            } catch (IOException e) {
                throw new MooringException(ErrorCode.IO, "Could not create a scratch SQLite file: " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        } else {
            try (EmbeddedPostgresServer scratch = EmbeddedPostgresServer.startTemporary()) {
                scratch.createDatabaseIfMissing("mooring_drift");
                note = versionNote(migrator, scratch);
                report = migrator.drift(scratch.dataSource("mooring_drift"));
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("url", url.redacted());
            doc.put("hasDrift", report.hasDrift());
            doc.put("summary", report.summary());
            doc.put("differences", report.differences());
            Output.json(out, doc);
        } else {
            StringBuilder text = new StringBuilder("Drift check of " + url.redacted() + ": " + report.summary() + "\n");
            for (SchemaDifference d : report.differences()) {
                text.append("  - ").append(d.describe()).append('\n');
            }
            if (note != null) {
                text.append(note).append('\n');
            }
            Output.text(out, text.toString().stripTrailing());
        }
        return report.hasDrift() ? ErrorCode.DRIFT_DETECTED.exitCode() : 0;
    }

    /** Definitions print differently across PostgreSQL majors; say so when the scratch server differs. */
    private static String versionNote(Migrator migrator, EmbeddedPostgresServer scratch) {
        try (Connection live = migrator.dataSource().getConnection();
             Connection built = scratch.dataSource("mooring_drift").getConnection()) {
            int liveMajor = live.getMetaData().getDatabaseMajorVersion();
            int scratchMajor = built.getMetaData().getDatabaseMajorVersion();
            return liveMajor == scratchMajor ? null : "Note: the live server is PostgreSQL " + liveMajor
                    + " but the scratch server is " + scratchMajor + "; some definitions may print differently. "
                    + "Use --scratch-url with an empty database on a server of the live version for an exact comparison.";
        } catch (SQLException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary file left behind is harmless.
        }
    }
}
