package dev.mooring.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.sqlite.SQLiteConfig;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The data package file: one file that holds its manifest and its data, so that what is downloaded, resumed, copied
 * to a memory card or handed to another device is a single thing with a single SHA-256. Layout:
 *
 * <pre>
 * MOORING-PACKAGE 1\n                         the format line
 * &lt;manifest length&gt; &lt;manifest sha256&gt;\n    in bytes; lower-case hex
 * &lt;manifest&gt;                                  JSON, UTF-8 ({@link PackageManifest})
 * &lt;data&gt;                                      a SQLite database: its size and SHA-256 are in the manifest
 * </pre>
 *
 * Every byte is covered by a digest: the manifest by the one in the header, the data by the one in the manifest,
 * and the rows of each table by the manifest's table digests ({@link PackageDigest}). The data is a plain SQLite
 * database: one table per synced table, named and with columns as the server names them ({@code id} first), and
 * {@value #ROW_VERSIONS} (table_name, id, hlc) with each row's hybrid logical time. Stateless.
 */
public final class PackageFile {
    /** The table of the data that holds each row's version. */
    public static final String ROW_VERSIONS = "mooring_row_versions";
    private static final String FORMAT_LINE = "MOORING-PACKAGE 1";
    private static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A package whose every digest matched, its data extracted to a file of its own; closing deletes that file. */
    public record Verified(PackageManifest manifest, Path data) implements AutoCloseable {
        /** The extracted data, opened read-only; the caller closes it. */
        public Connection open() throws SQLException {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            return config.createConnection("jdbc:sqlite:" + data.toAbsolutePath());
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(data);
            } catch (IOException e) {
                // a leftover temporary file is harmless; the package was read either way
            }
        }
    }

    private PackageFile() {
    }

    /**
     * Writes a package: the manifest (with the data's size and digest filled in) and the SQLite database at
     * {@code data}. Written beside {@code out} first and moved into place, so a reader never sees half a package and
     * an existing file is replaced whole. Returns the manifest as written.
     */
    public static PackageManifest write(PackageManifest manifest, Path data, Path out) throws IOException {
        PackageManifest complete = manifest.withData(PackageDigest.file(data), Files.size(data));
        byte[] json = complete.toJson(JSON);
        MessageDigest digest = PackageDigest.sha256();
        digest.update(json);
        Path dir = out.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
        try {
            try (OutputStream o = Files.newOutputStream(temp)) {
                o.write((FORMAT_LINE + "\n" + json.length + " " + PackageDigest.hex(digest) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                o.write(json);
                Files.copy(data, o);
            }
            Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return complete;
    }

    /**
     * Copies a package file to {@code to} (replacing a file there) through a temporary file beside it, so that no
     * reader ever finds half a package at {@code to}.
     */
    public static void copy(Path from, Path to) throws IOException {
        Path dir = to.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + to.getFileName(), ".part");
        try {
            Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Reads the manifest of a package file, checking it against the digest in the header; the data is not read.
     *
     * @throws MooringException {@code PACKAGE_CORRUPT} when the file is not a package or the manifest is damaged;
     *                          {@code IO} when it cannot be read
     */
    public static PackageManifest readManifest(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return manifest(file, in);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Checks every digest of a package file and returns its manifest and its data, extracted into {@code tempDir}.
     * Nothing the file holds is trusted before this returns.
     *
     * @throws MooringException {@code PACKAGE_CORRUPT} naming what does not match (a truncated file, a changed byte,
     *                          a table whose rows differ from the manifest); {@code IO} when it cannot be read
     */
    public static Verified verify(Path file, Path tempDir) {
        Path data = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            PackageManifest manifest = manifest(file, in);
            data = Files.createTempFile(tempDir, "mooring-package-", ".db");
            MessageDigest digest = PackageDigest.sha256();
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(data)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            if (size != manifest.dataSize()) {
                throw corrupt(file, "its data is " + size + " bytes where the manifest says " + manifest.dataSize()
                        + (size < manifest.dataSize() ? " (the file is truncated)" : ""));
            }
            if (!PackageDigest.hex(digest).equals(manifest.dataSha256())) {
                throw corrupt(file, "its data does not match the SHA-256 in its manifest (the file was changed or"
                        + " damaged)");
            }
            Verified verified = new Verified(manifest, data);
            checkTables(file, verified);
            return verified;
        } catch (IOException e) {
            delete(data);
            throw unreadable(file, e);
        } catch (RuntimeException e) {
            delete(data);
            throw e;
        }
    }

    private static void checkTables(Path file, Verified verified) {
        try (Connection c = verified.open()) {
            for (PackageManifest.Table table : verified.manifest().tables()) {
                PackageDigest.TableDigest found = PackageDigest.table(c, table.name(), table.columns());
                if (found.rows() != table.rows() || found.deleted() != table.deleted()
                        || !found.sha256().equals(table.sha256())) {
                    throw corrupt(file, "table " + table.name() + " holds " + found.rows() + " rows that do not"
                            + " match its manifest (" + table.rows() + " rows and their checksum)");
                }
            }
        } catch (SQLException e) {
            throw corrupt(file, "its data is not the SQLite database its manifest describes (" + e.getMessage() + ")");
        }
    }

    private static PackageManifest manifest(Path file, InputStream in) throws IOException {
        String format = line(in);
        if (!FORMAT_LINE.equals(format)) {
            boolean cut = format == null && Files.size(file) <= FORMAT_LINE.length()
                    && FORMAT_LINE.startsWith(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
            throw corrupt(file, cut ? "it ends before its header does (the file is truncated)"
                    : "it does not start with '" + FORMAT_LINE + "'; it is not a Mooring data package, or one of a"
                    + " newer format");
        }
        String header = line(in);
        if (header == null) {
            throw corrupt(file, "it ends inside its header (the file is truncated)");
        }
        String[] parts = header.split(" ", -1);
        int length;
        try {
            length = parts.length == 2 ? Integer.parseInt(parts[0]) : -1;
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 2 || length > MAX_MANIFEST_BYTES) {
            throw corrupt(file, "its header is damaged");
        }
        byte[] json = in.readNBytes(length);
        MessageDigest digest = PackageDigest.sha256();
        digest.update(json);
        if (json.length < length || !PackageDigest.hex(digest).equals(parts[1])) {
            throw corrupt(file, json.length < length ? "it ends inside its manifest (the file is truncated)"
                    : "its manifest does not match the SHA-256 in its header (the file was changed or damaged)");
        }
        try {
            return PackageManifest.fromJson(JSON, json);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    /** The next line, without its newline; {@code null} at the end of the stream or past 200 bytes. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.size() > 200) {
                return null;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static MooringException corrupt(Path file, String problem) {
        return new MooringException(ErrorCode.PACKAGE_CORRUPT, file + " is not a sound data package: " + problem + ".");
    }

    private static MooringException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new MooringException(ErrorCode.IO, "There is no package file at " + file + ".", e);
        }
        return new MooringException(ErrorCode.IO, "Could not read the package " + file + ": " + e.getMessage(), e);
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the error being reported matters more
            }
        }
    }
}
