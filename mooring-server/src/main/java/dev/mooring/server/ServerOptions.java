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
 * @param adminHost            the interface of the admin port ({@value #DEFAULT_ADMIN_HOST} by default); on a loopback
 *                             address its admin routes need no token, on any other they need an admin token
 * @param adminPort            a second port that serves the admin routes and the probes but not sync; 0 picks a free
 *                             one; {@code null}: none (see {@link SyncServer})
 */
public record ServerOptions(String host, int port, long maxRequestBytes, String serverSchemaVersion,
                            String minimumClientVersion, Path packagesDir, Map<String, HealthCheck> healthChecks,
                            AlertSettings alerts, String adminHost, Integer adminPort) {
    public static final int DEFAULT_PORT = 8630;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;
    public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";

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
        Objects.requireNonNull(adminHost, "adminHost");
        if (adminPort != null && (adminPort < 0 || adminPort > 65_535)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the admin port must be between 0 and 65535, was "
                    + adminPort);
        }
        if (adminPort != null && adminPort != 0 && adminPort == port) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the admin port must differ from the port (both were "
                    + port + "); choose another --admin-port");
        }
    }

    public static ServerOptions defaults() {
        return new ServerOptions("localhost", DEFAULT_PORT, DEFAULT_MAX_REQUEST_BYTES, null, null, null, Map.of(), null,
                DEFAULT_ADMIN_HOST, null);
    }

    public ServerOptions withHost(String value) {
        return new ServerOptions(value, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, alerts, adminHost, adminPort);
    }

    public ServerOptions withPort(int value) {
        return new ServerOptions(host, value, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, alerts, adminHost, adminPort);
    }

    public ServerOptions withMaxRequestBytes(long value) {
        return new ServerOptions(host, port, value, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, alerts, adminHost, adminPort);
    }

    public ServerOptions withServerSchemaVersion(String value) {
        return new ServerOptions(host, port, maxRequestBytes, value, minimumClientVersion, packagesDir,
                healthChecks, alerts, adminHost, adminPort);
    }

    public ServerOptions withMinimumClientVersion(String value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, value, packagesDir,
                healthChecks, alerts, adminHost, adminPort);
    }

    /** Adds {@code check} to the health report under {@code name}, replacing a check of that name. */
    public ServerOptions withHealthCheck(String name, HealthCheck check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        Map<String, HealthCheck> checks = new LinkedHashMap<>(healthChecks);
        checks.put(name, check);
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                checks, alerts, adminHost, adminPort);
    }

    /** Raises the health alerts of {@code value} while the server runs; {@code null}: none. */
    public ServerOptions withAlerts(AlertSettings value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, value, adminHost, adminPort);
    }

    public ServerOptions withPackagesDir(Path value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, value,
                healthChecks, alerts, adminHost, adminPort);
    }

    /**
     * Whether {@link #adminHost()} is a loopback address (127.0.0.1, ::1, localhost), so that only this machine reaches
     * the admin port and its admin routes need no token; {@code false} for a name that does not resolve.
     */
    public boolean adminPortOnLoopback() {
        try {
            return java.net.InetAddress.getByName(adminHost).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false; // the server then fails to listen there, saying so
        }
    }

    /** Serves the admin routes and the probes on a second port as well (0 picks a free one). */
    public ServerOptions withAdminPort(int value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, alerts, adminHost, value);
    }

    /** The interface the admin port binds; a loopback address lets its admin routes go without a token. */
    public ServerOptions withAdminHost(String value) {
        return new ServerOptions(host, port, maxRequestBytes, serverSchemaVersion, minimumClientVersion, packagesDir,
                healthChecks, alerts, value, adminPort);
    }
}
