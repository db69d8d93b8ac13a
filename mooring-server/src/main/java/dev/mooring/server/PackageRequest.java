package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What data package to cut: its name, its tables, whose rows, and an optional extra filter. Immutable; {@code withX}
 * returns a changed copy. A package holds either one user's rows (each table filtered by its owner column, exactly
 * as that user's bootstrap) or, shared, only public-read tables.
 *
 * <pre>{@code
 * PackageRequest.forUser("notes", "alice", "notes", "tags");
 * PackageRequest.shared("holidays", "holidays").withWhere("country = 'VN'");
 * }</pre>
 *
 * @param name                the package type, e.g. {@code maps}: letters, digits, {@code . _ -}, 1 to 64
 * @param tables              synced tables, each once
 * @param where               an extra SQL condition over the tables' columns ({@code null}: every row); an
 *                            administrator's tool, see {@code WhereFilter}
 * @param userId              whose rows; {@code null} for a shared package
 * @param requestedBy         who asked, for the record of generations
 * @param clientSchemaVersion the oldest client schema version the package is for; {@code null} for any
 */
public record PackageRequest(String name, List<String> tables, String where, String userId, String requestedBy,
                             String clientSchemaVersion) {
    private static final String NAME = "[A-Za-z0-9._-]{1,64}";

    public PackageRequest {
        if (name == null || !name.matches(NAME)) {
            throw new MooringException(ErrorCode.USAGE, "package name '" + name + "' must be 1 to 64 letters, digits"
                    + " or . _ -");
        }
        Objects.requireNonNull(tables, "tables");
        if (tables.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, "name the tables of package " + name + ", e.g. --tables"
                    + " events,groups");
        }
        if (new LinkedHashSet<>(tables).size() != tables.size()) {
            throw new MooringException(ErrorCode.USAGE, "tables " + tables + " name a table twice");
        }
        tables = List.copyOf(tables);
        if (userId != null && userId.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "the user of package " + name + " is blank; name a user id,"
                    + " or make it shared");
        }
        requestedBy = requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy;
        if (clientSchemaVersion != null) {
            try {
                MigrationVersion.parse(clientSchemaVersion);
            } catch (IllegalArgumentException e) {
                throw new MooringException(ErrorCode.USAGE, "client schema version: " + e.getMessage(), e);
            }
        }
    }

    /** A package of {@code userId}'s rows of {@code tables}, requested by the operating-system user. */
    public static PackageRequest forUser(String name, String userId, String... tables) {
        Objects.requireNonNull(userId, "userId");
        return new PackageRequest(name, List.of(tables), null, userId, System.getProperty("user.name"), null);
    }

    /** A package of public-read {@code tables} for every user, requested by the operating-system user. */
    public static PackageRequest shared(String name, String... tables) {
        return new PackageRequest(name, List.of(tables), null, null, System.getProperty("user.name"), null);
    }

    public PackageRequest withTables(List<String> value) {
        return new PackageRequest(name, value, where, userId, requestedBy, clientSchemaVersion);
    }

    public PackageRequest withWhere(String value) {
        return new PackageRequest(name, tables, value, userId, requestedBy, clientSchemaVersion);
    }

    public PackageRequest withRequestedBy(String value) {
        return new PackageRequest(name, tables, where, userId, value, clientSchemaVersion);
    }

    public PackageRequest withClientSchemaVersion(String value) {
        return new PackageRequest(name, tables, where, userId, requestedBy, value);
    }

    /** Whether it is for every user (public-read tables only). */
    public boolean shared() {
        return userId == null;
    }
}
