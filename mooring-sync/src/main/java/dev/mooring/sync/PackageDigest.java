package dev.mooring.sync;

import dev.mooring.core.Dialects;
import dev.mooring.core.spi.Dialect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The digests that make a data package verifiable: SHA-256 of files, and of a table's rows in a canonical form that
 * depends on the values alone, not on how SQLite laid them out. The server computes them over the SQLite data it
 * wrote, a client over the data it received, both with this class. Stateless.
 *
 * <p>A table's canonical form: its rows in {@code id} order (SQLite's binary text order); for each row its version
 * from {@link PackageFile#ROW_VERSIONS} and then every column in the manifest's order, each value as one tag byte and
 * its bytes: {@code N} for NULL; {@code I} and 8 bytes big-endian for an integer; {@code R} and the 8 bytes of the
 * IEEE 754 double for a real; {@code T}, a 4-byte length and the UTF-8 bytes for text; {@code B}, a 4-byte length
 * and the bytes for a blob.
 */
public final class PackageDigest {
    private static final Dialect SQLITE = Dialects.named("sqlite");

    /**
     * What one table of a package holds.
     *
     * @param rows    rows, tombstones included
     * @param deleted rows whose {@code deleted_at} is set
     * @param sha256  the digest of the canonical form, lower-case hex
     */
    public record TableDigest(long rows, long deleted, String sha256) {
    }

    private PackageDigest() {
    }

    /** Digests {@code table} of a package's SQLite data; {@code columns} must include {@code id}. */
    public static TableDigest table(Connection sqlite, String table, List<String> columns) throws SQLException {
        MessageDigest digest = sha256();
        String selected = columns.stream().map(c -> "t." + quote(c)).collect(Collectors.joining(", "));
        String deleted = columns.contains("deleted_at") ? "t.\"deleted_at\" IS NOT NULL" : "0";
        long rows = 0;
        long tombstones = 0;
        try (PreparedStatement ps = sqlite.prepareStatement("SELECT v.hlc, " + deleted + ", " + selected + " FROM "
                + quote(table) + " t LEFT JOIN " + PackageFile.ROW_VERSIONS + " v ON v.table_name = ? AND v.id = t.id"
                + " ORDER BY t.id")) {
            ps.setString(1, table);
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                rows++;
                tombstones += rs.getInt(2);
                update(digest, rs.getObject(1));
                for (int i = 0; i < columns.size(); i++) {
                    update(digest, rs.getObject(i + 3));
                }
            }
        }
        return new TableDigest(rows, tombstones, hex(digest));
    }

    /** The SHA-256 of a file's bytes, lower-case hex. */
    public static String file(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return hex(digest);
    }

    /** A fresh SHA-256. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A digest's value as lower-case hex. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, Object value) {
        if (value == null) {
            digest.update((byte) 'N');
        } else if (value instanceof Integer || value instanceof Long) {
            digest.update((byte) 'I');
            digest.update(longBytes(((Number) value).longValue()));
        } else if (value instanceof Number) {
            digest.update((byte) 'R');
            digest.update(longBytes(Double.doubleToLongBits(((Number) value).doubleValue())));
        } else if (value instanceof byte[]) {
            lengthPrefixed(digest, 'B', (byte[]) value);
        } else {
            lengthPrefixed(digest, 'T', value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void lengthPrefixed(MessageDigest digest, char tag, byte[] bytes) {
        digest.update((byte) tag);
        digest.update(new byte[]{(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
                (byte) bytes.length});
        digest.update(bytes);
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** {@code identifier} quoted for SQLite by the dialect. */
    static String quote(String identifier) {
        return SQLITE.quote(identifier);
    }
}
