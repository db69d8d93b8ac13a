package dev.mooring.server.internal;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The record of data package generations, {@code mooring.package_generations}: what was cut or reused, for whom, and
 * where the file is. Every method works in the caller's transaction or auto-commit. Stateless.
 */
public final class PackageGenerations {
    /** One generation as recorded; {@code userId} is {@code null} for a shared package. */
    public record Generation(long id, String packageId, String name, long version, long size, String sha256,
                             String watermark, List<String> tables, String where, String userId, Path path,
                             String schemaVersion, String clientSchemaVersion) {
    }

    private static final String COLUMNS = "id, package_id::text, name, version, size_bytes, sha256, watermark, tables,"
            + " where_clause, user_id, path, schema_version, client_schema_version";

    private PackageGenerations() {
    }

    /** Waits for, and takes, this session's lock on package {@code name}: one generation of a name at a time. */
    public static void lock(Connection c, String name) throws SQLException {
        advisory(c, "pg_advisory_lock", name);
    }

    /** Releases what {@link #lock} took. */
    public static void unlock(Connection c, String name) throws SQLException {
        advisory(c, "pg_advisory_unlock", name);
    }

    private static void advisory(Connection c, String function, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(hashtext('mooring.package'),"
                + " hashtext(?))")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    /** The newest generation of exactly this request: same name, tables (in order), filter and owner. */
    public static Optional<Generation> latest(Connection c, String name, List<String> tables, String where,
                                              String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mooring.package_generations"
                + " WHERE name = ? AND tables = ? AND where_clause IS NOT DISTINCT FROM ?"
                + " AND user_id IS NOT DISTINCT FROM ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, name);
            ps.setArray(2, c.createArrayOf("text", tables.toArray()));
            ps.setString(3, where);
            ps.setString(4, userId);
            List<Generation> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The version the next package of {@code name} gets: one more than any before. */
    public static long nextVersion(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(max(version), 0) + 1 FROM mooring.package_generations WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Whether a change to {@code tables} that {@code userId} (or everyone) may see was captured at or after
     * transaction {@code xid}: a change a package cut with that watermark may lack.
     */
    public static boolean changedSince(Connection c, List<String> tables, String userId, long xid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM mooring.change_log"
                + " WHERE audience = ANY(?) AND xid >= ?::xid8 AND table_name = ANY(?))")) {
            ps.setArray(1, c.createArrayOf("text", userId == null ? new String[]{"*"} : new String[]{userId, "*"}));
            ps.setString(2, Long.toString(xid));
            ps.setArray(3, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Records a generation; returns its id. */
    public static long insert(Connection c, Generation g, String requestedBy, long durationMs, boolean reused)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mooring.package_generations (package_id, name, version, requested_by, size_bytes,
                    duration_ms, sha256, watermark, tables, where_clause, user_id, path, reused, schema_version,
                    client_schema_version)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """)) {
            int i = 1;
            ps.setString(i++, g.packageId());
            ps.setString(i++, g.name());
            ps.setLong(i++, g.version());
            ps.setString(i++, requestedBy);
            ps.setLong(i++, g.size());
            ps.setLong(i++, durationMs);
            ps.setString(i++, g.sha256());
            ps.setString(i++, g.watermark());
            ps.setArray(i++, c.createArrayOf("text", g.tables().toArray()));
            ps.setString(i++, g.where());
            ps.setString(i++, g.userId());
            ps.setString(i++, g.path().toString());
            ps.setBoolean(i++, reused);
            ps.setString(i++, g.schemaVersion());
            ps.setString(i, g.clientSchemaVersion());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The newest generation of every package {@code userId} may download (theirs and shared ones), newest first. */
    public static List<Generation> visibleTo(Connection c, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (package_id) *"
                + " FROM mooring.package_generations WHERE user_id = ? OR user_id IS NULL"
                + " ORDER BY package_id, id DESC) g ORDER BY id DESC")) {
            ps.setString(1, userId);
            return read(ps);
        }
    }

    /** The generations of package {@code packageId} that {@code userId} may download, newest first. */
    public static List<Generation> ofPackage(Connection c, String packageId, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mooring.package_generations"
                + " WHERE package_id = ?::uuid AND (user_id = ? OR user_id IS NULL) ORDER BY id DESC")) {
            ps.setString(1, packageId);
            ps.setString(2, userId);
            return read(ps);
        }
    }

    private static List<Generation> read(PreparedStatement ps) throws SQLException {
        List<Generation> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Array tables = rs.getArray(8);
                rows.add(new Generation(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7), Arrays.asList((String[]) tables.getArray()), rs.getString(9),
                        rs.getString(10), Path.of(rs.getString(11)), rs.getString(12), rs.getString(13)));
            }
        }
        return rows;
    }
}
