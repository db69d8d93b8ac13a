package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import dev.mooring.sync.client.LocalPackage;
import dev.mooring.sync.client.PackageSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The data packages a client imported, {@code local_packages}, and the verified copy of each kept in the package
 * folder beside the database ({@code <database file>.packages}) so it can be handed to another device. Only the
 * newest package of a type keeps its copy. Every method works inside the caller's transaction. Stateless.
 */
public final class LocalPackages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalPackages() {
    }

    /** The folder beside {@code database} that holds the copies. */
    public static Path folder(Path database) {
        Path db = database.toAbsolutePath();
        return db.resolveSibling(db.getFileName() + ".packages");
    }

    /** The name of a package's copy in the folder. */
    static String fileName(PackageManifest manifest) {
        return manifest.id() + ".mpkg";
    }

    /**
     * Writes the kept copy of {@code imported} to {@code out} for another device, checked again first so a copy
     * damaged since is not passed on.
     */
    public static void export(LocalPackage imported, Path out) throws IOException {
        PackageFile.verify(imported.file(), out.toAbsolutePath().getParent()).close(); // the check is what is wanted
        PackageFile.copy(imported.file(), out);
    }

    /** The newest package of {@code type} imported here. */
    static Optional<LocalPackage> newest(Connection c, String type, Path folder) throws SQLException {
        List<LocalPackage> found = select(c, " WHERE type = ? ORDER BY version DESC, imported_at DESC LIMIT 1", type,
                folder);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Every package imported here, newest first. */
    public static List<LocalPackage> list(Connection c, Path folder) throws SQLException {
        return select(c, " ORDER BY imported_at DESC, version DESC", null, folder);
    }

    /** Records an import (again, for a package imported before), with the name of its copy. */
    static void record(Connection c, PackageManifest manifest, long size, PackageSource source, String file)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO local_packages (id, type, version, imported_at, size, source, manifest, file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET imported_at = excluded.imported_at, source = excluded.source,
                                               file = excluded.file
                """)) {
            ps.setString(1, manifest.id());
            ps.setString(2, manifest.type());
            ps.setLong(3, manifest.version());
            ps.setString(4, Instant.now().toString());
            ps.setLong(5, size);
            ps.setString(6, source.wireName());
            ps.setString(7, new String(manifest.toJson(JSON), StandardCharsets.UTF_8));
            ps.setString(8, file);
            ps.executeUpdate();
        }
    }

    /** Forgets the copies of older packages of the type; returns their file names, for the caller to delete. */
    static List<String> supersede(Connection c, PackageManifest newest) throws SQLException {
        List<String> files = new ArrayList<>();
        // read, then cleared, in the caller's transaction: no RETURNING, which needs SQLite 3.35
        String older = " FROM local_packages WHERE type = ? AND id <> ? AND file IS NOT NULL";
        try (PreparedStatement ps = c.prepareStatement("SELECT file" + older)) {
            ps.setString(1, newest.type());
            ps.setString(2, newest.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    files.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE local_packages SET file = NULL WHERE rowid IN"
                + " (SELECT rowid" + older + ")")) {
            ps.setString(1, newest.type());
            ps.setString(2, newest.id());
            ps.executeUpdate();
        }
        return files;
    }

    private static List<LocalPackage> select(Connection c, String tail, String type, Path folder) throws SQLException {
        List<LocalPackage> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, type, version, imported_at, size, source, file"
                + " FROM local_packages" + tail)) {
            if (type != null) {
                ps.setString(1, type);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String file = rs.getString(7);
                    found.add(new LocalPackage(rs.getString(1), rs.getString(2), rs.getLong(3),
                            Instant.parse(rs.getString(4)), rs.getLong(5),
                            PackageSource.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)),
                            file == null ? null : folder.resolve(file)));
                }
            }
        }
        return found;
    }
}
