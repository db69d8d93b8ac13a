package dev.mooring.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a point-in-time restore did.
 *
 * @param baseBackup       the base backup it started from
 * @param target           where recovery was asked to stop, as {@link RecoveryTarget#describe()} says
 * @param pgdata           the restored data directory
 * @param pgBin            the PostgreSQL programs that recovered it
 * @param recoveredTo      the commit time of the last transaction replayed, null when none was
 * @param recoveryEnd      what the server logged when recovery stopped ({@code recovery stopping before commit of
 *                         transaction 745, time …}), or null
 * @param walFilesRestored how many WAL files recovery fetched from the archive
 * @param databases        per database: its tables' row counts ({@code schema.table} to rows), read after recovery
 * @param schemaVersions   per database with a migration history table: the last applied migration
 * @param running          whether the server is still running (then on {@code port})
 * @param port             the port it listened on
 * @param logFile          its log of the recovery
 * @param warnings         things to know, such as a gap in the archive after the target
 * @param durationMs       how long it took
 */
public record PitrResult(String baseBackup, String target, Path pgdata, Path pgBin, Instant recoveredTo,
                         String recoveryEnd, int walFilesRestored, Map<String, Map<String, Long>> databases,
                         Map<String, String> schemaVersions, boolean running, int port, Path logFile,
                         List<String> warnings, long durationMs) {
    public PitrResult {
        databases = Map.copyOf(databases);
        schemaVersions = Map.copyOf(schemaVersions);
        warnings = List.copyOf(warnings);
    }
}
