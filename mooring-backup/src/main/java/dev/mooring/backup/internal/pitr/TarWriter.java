package dev.mooring.backup.internal.pitr;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes entries of a POSIX tar archive (ustar, with a pax {@code path} record for names longer than 100 bytes), so
 * that a base backup can also be unpacked with {@code tar -x} after {@code zstd -d}. Only what a data directory
 * holds: directories and regular files. Not thread-safe; several writers may fill consecutive parts of one archive,
 * and the {@link #finish() end} is written once, by the last.
 */
public final class TarWriter {
    static final int BLOCK = 512;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final OutputStream out;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** A directory entry, {@code path} relative, without trailing slash. */
    public void directory(String path, int mode, long mtimeSeconds) throws IOException {
        header(path + "/", mode, 0, mtimeSeconds, (byte) '5');
    }

    /**
     * A regular file of exactly {@code size} bytes read from {@code in}: a file that grew meanwhile is cut at
     * {@code size}, one that shrank is padded with zeros. PostgreSQL's WAL replay repairs both, as it does for
     * pg_basebackup, which does the same.
     */
    public void file(String path, int mode, long size, long mtimeSeconds, InputStream in) throws IOException {
        header(path, mode, size, mtimeSeconds, (byte) '0');
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        while (left > 0) {
            int n = (int) Math.min(ZEROS.length, left);
            out.write(ZEROS, 0, n);
            left -= n;
        }
        pad(size);
    }

    /** A regular file with {@code content}. */
    public void file(String path, int mode, long mtimeSeconds, byte[] content) throws IOException {
        file(path, mode, content.length, mtimeSeconds, new java.io.ByteArrayInputStream(content));
    }

    /** The two zero blocks that end an archive. */
    public void finish() throws IOException {
        out.write(ZEROS);
        out.write(ZEROS);
    }

    private void header(String path, int mode, long size, long mtime, byte type) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length > 100) {
            byte[] record = paxRecord("path", path);
            writeHeader(("PaxHeaders/" + Math.abs(path.hashCode())).getBytes(StandardCharsets.UTF_8), 0644,
                    record.length, mtime, (byte) 'x');
            out.write(record);
            pad(record.length);
            name = Arrays.copyOf(name, 100);
        }
        writeHeader(name, mode, size, mtime, type);
    }

    private void writeHeader(byte[] name, int mode, long size, long mtime, byte type) throws IOException {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        byte[] check = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(check, 0, h, 148, 8);
        out.write(h);
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(ZEROS, 0, BLOCK - rest);
        }
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a tar header field of " + length);
        }
        String field = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(field.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
        h[offset + length - 1] = 0;
    }

    /** {@code "<len> key=value\n"}, where len counts itself. */
    static byte[] paxRecord(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + String.valueOf(body).length();
        if (String.valueOf(length).length() != String.valueOf(body).length()) {
            length++;
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
