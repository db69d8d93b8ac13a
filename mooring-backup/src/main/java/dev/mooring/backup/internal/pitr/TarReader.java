package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries {@link TarWriter} writes (ustar with pax {@code path} records), one after the other. Refuses
 * names that would leave the folder they are unpacked into. Not thread-safe.
 */
public final class TarReader {
    /** A PAX header holds a long path: 64 KiB is far more than any data directory's path needs. */
    private static final int MAX_PAX_HEADER = 64 * 1024;
    /** One entry; for a file, its bytes are read from {@link #content()} before the next entry is asked for. */
    public record Entry(String path, boolean directory, int mode, long size, InputStream content) {
    }

    private final InputStream in;
    private final String source;
    private long unreadInEntry;
    private int paddingAfterEntry;

    public TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next entry, or null at the end of the archive. */
    public Entry next() throws IOException {
        skip(unreadInEntry + paddingAfterEntry);
        unreadInEntry = 0;
        paddingAfterEntry = 0;
        String paxPath = null;
        while (true) {
            byte[] h = in.readNBytes(TarWriter.BLOCK);
            if (h.length < TarWriter.BLOCK) {
                throw corrupt("it ends in the middle of an entry");
            }
            if (isZero(h)) {
                return null;
            }
            checkSum(h);
            byte type = h[156];
            long size = octal(h, 124, 12);
            if (type == 'x') {
                if (size > MAX_PAX_HEADER) {
                    throw corrupt("it has an extended header of " + size + " bytes, more than base backups ever write");
                }
                byte[] records = in.readNBytes((int) size);
                if (records.length < size) {
                    throw corrupt("it ends in the middle of an entry");
                }
                skip(padding(size));
                paxPath = paxPath(new String(records, StandardCharsets.UTF_8));
                continue;
            }
            String path = paxPath != null ? paxPath : string(h, 0, 100);
            int mode = (int) octal(h, 100, 8);
            boolean directory = type == '5';
            if (!directory && type != '0' && type != 0) {
                throw corrupt("entry " + path + " is of a kind base backups never hold (type " + (char) type + ")");
            }
            path = checkPath(directory && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            unreadInEntry = directory ? 0 : size;
            paddingAfterEntry = directory ? 0 : padding(size);
            return new Entry(path, directory, mode, directory ? 0 : size, directory ? InputStream.nullInputStream()
                    : new EntryStream());
        }
    }

    private String checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw corrupt("it holds the unsafe path '" + path + "'");
        }
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw corrupt("it holds the unsafe path '" + path + "'");
            }
        }
        return path;
    }

    private final class EntryStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (unreadInEntry == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, unreadInEntry));
            if (n < 0) {
                throw corrupt("it ends in the middle of a file");
            }
            unreadInEntry -= n;
            return n;
        }
    }

    private void skip(long bytes) throws IOException {
        try {
            in.skipNBytes(bytes);
        } catch (java.io.EOFException e) {
            throw corrupt("it is truncated");
        }
    }

    private static int padding(long size) {
        int rest = (int) (size % TarWriter.BLOCK);
        return rest == 0 ? 0 : TarWriter.BLOCK - rest;
    }

    private void checkSum(byte[] h) {
        long sum = 0;
        for (int i = 0; i < h.length; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xFF;
        }
        if (sum != octal(h, 148, 8)) {
            throw corrupt("a header's checksum does not match");
        }
    }

    private long octal(byte[] h, int offset, int length) {
        String s = string(h, offset, length).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw corrupt("a header holds a malformed number");
        }
    }

    private static String string(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private MooringException corrupt(String problem) {
        return new MooringException(ErrorCode.BACKUP_CORRUPT, "base backup " + source + " is damaged: " + problem);
    }
}
