package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line that starts the content of every archived WAL file, before its bytes: {@code mooring-wal 1 <name>
 * <size> <sha256>}. It lets {@code wal fetch} check what it restores end to end (and that the object holds the file
 * it is named after), and {@code wal push} tell a retried push of the same file from a different file of the same
 * name by reading a few bytes instead of the whole object. It lives inside the backup file format, so it is
 * compressed and encrypted with the WAL.
 *
 * @param name   the WAL file's name
 * @param size   its size in bytes
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 */
public record WalEnvelope(String name, long size, String sha256) {
    private static final String MAGIC = "mooring-wal 1 ";
    private static final int MAX_LINE = 256;
    private static final Pattern LINE = Pattern.compile("mooring-wal 1 (\\S+) (\\d{1,12}) ([0-9a-f]{64})");

    /** Writes the header line. */
    public void writeTo(OutputStream out) throws IOException {
        out.write((MAGIC + name + " " + size + " " + sha256 + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads the header line from {@code in}, leaving it at the first byte of the WAL file.
     *
     * @throws MooringException {@code BACKUP_CORRUPT} when the content does not start with a header
     */
    public static WalEnvelope readFrom(InputStream in, String source) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0 || line.size() >= MAX_LINE) {
                throw notArchivedWal(source);
            }
            line.write(b);
        }
        Matcher m = LINE.matcher(line.toString(StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw notArchivedWal(source);
        }
        return new WalEnvelope(m.group(1), Long.parseLong(m.group(2)), m.group(3));
    }

    /** Whether this describes the same bytes as {@code other}. */
    public boolean sameContent(WalEnvelope other) {
        return size == other.size && sha256.equals(other.sha256);
    }

    private static MooringException notArchivedWal(String source) {
        return new MooringException(ErrorCode.BACKUP_CORRUPT, source + " is not a WAL file archived by Mooring (its"
                + " header is missing or damaged)");
    }
}
