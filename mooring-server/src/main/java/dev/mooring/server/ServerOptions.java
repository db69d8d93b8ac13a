package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the HTTP sync server listens and what it accepts. Immutable; {@code withX} returns a changed copy.
 *
 * @param host                 the interface to bind ({@code localhost} by default; {@code 0.0.0.0} for all)
 * @param port                 the port; 0 picks a free one
 * @param maxRequestBytes      request bodies larger than this are refused with 413
 * @param serverSchemaVersion  the application schema version the server runs, reported in handshakes; may be null
 * @param minimumClientVersion the oldest client schema version the server accepts; null accepts every version
 * @param packagesDir          where data packages that users order ({@code POST /v1/packages}) are written; null: the
 *                             server cuts none on request (it still serves those cut with {@code mooring package
 *                             create})
 * @param healthChecks         what else the health report shows, by name (such as {@code backup}), in order
 * @param alerts               the health alerts the server raises while it runs ({@link SyncServer#alerts()});
 *                             {@code null}: none
 */
public record ServerOptions(String host, int port, long maxRequestBytes, String serverSchemaVersion,
                            String minimumClientVersion, Path packagesDir, Map<String, HealthCheck> healthChecks,
                            AlertSettings alerts) {
    public static final int DEFAULT_PORT = 8630;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new MooringException(ErrorCode.CONFIGURATION, "port must be between 0 and 65535, was " + port);
        }
        if (maxRequestBytes < 1024) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the request size limit must be at least 1024 bytes, was "
                    + maxRequestBytes);
        }
        if (minimumClientVersion != null) {
            MigrationVersion.parse(minimumClientVersion);
        }
        healthChecks = Collections.unmodifiableMap(new LinkedHashMap<>(healthChecks));
    }

    public static ServerOptions defaults() {
        return new ServerOptions("localhost", DEFAULT_PORT, DEFAULT_MAX_REQUEST_BYTES, null, null, null, Map.of(), null);
    }

    public ServerOptions withHost(String value) {
        return new ServerOptions(value, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir, healthChecks, alerts);
    }

    public ServerOptions withPort(int value) {
        return new ServerOptions(host, value, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir, healthChecks, alerts);
    }

    public ServerOptions withMaxRequestBytes(long value) {
        return new ServerOptions(host, port, value, serverSchemaVersion, minimumClientVersion, packagesDir, healthChecks, alerts);
    }

    public ServerOptions withServerSchemaVersion(String value) {
        return new ServerOptions(host, port, maxRequestBytes, value, minimumClientVersion, packagesDir, healthChecks, alerts);
    }

    public ServerOptions withMinimumClientVersion(String value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, value, packagesDir, healthChecks, alerts);
    }

    /** Adds {@code check} to the health report under {@code name}, replacing a check of that name. */
    public ServerOptions withHealthCheck(String name, HealthCheck check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        Map<String, HealthCheck> checks = new LinkedHashMap<>(healthChecks);
        checks.put(name, check);
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir, checks, alerts);
    }

    /** Raises the health alerts of {@code value} while the server runs; {@code null}: none. */
    public ServerOptions withAlerts(AlertSettings value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, value);
    }

    public ServerOptions withPackagesDir(Path value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, value, healthChecks, alerts);
    }
}
