package dev.mooring.backup.internal.postgres;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Reads a SQL script as lines of bytes from one large buffer, for scripts far bigger than memory. SQL lines are
 * decoded, strictly, as UTF-8; {@code COPY} data lines are never decoded: {@link #pumpCopyData} hands the raw
 * bytes on in chunks as large as the buffer, because on a dump of a few GB decoding rows to {@code String}s
 * and encoding them again would dominate the restore.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped from SQL lines (data keeps it: the server reads
 * it). Only one SQL line, or one chunk of data, is held at a time; the buffer grows only for a single SQL line
 * longer than it.
 *
 * <p>Not thread-safe: one reader per script, used by one thread. Does not close the stream.
 */
final class ScriptLineReader {
    /** Receives raw {@code COPY} data. */
    @FunctionalInterface
    interface DataSink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    static final int DEFAULT_BUFFER = 256 * 1024;
    // The longest line a data block may end with: "\.\r\n". Deciding whether a line is the terminator needs it whole.
    private static final int TERMINATOR_MAX = 4;

    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private long line;
    private long bytesRead;

    ScriptLineReader(InputStream in, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        if (bufferSize < TERMINATOR_MAX) {
            throw new IllegalArgumentException("bufferSize must be >= " + TERMINATOR_MAX + ", was " + bufferSize);
        }
        this.buf = new byte[bufferSize];
    }

    /** The 1-based number of the last line read (SQL or data); 0 before the first. */
    long line() {
        return line;
    }

    /** Bytes taken from the stream so far. */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * The next line as text, without its line break, or {@code null} at the end of the script.
     *
     * @throws CharacterCodingException if the line is not valid UTF-8
     */
    String readLine() throws IOException {
        int newline;
        int from = pos;
        while ((newline = indexOfNewline(from)) < 0 && !eof) {
            from = limit - pos;
            makeRoom();
            fill();
            from += pos;
        }
        if (newline < 0 && pos == limit) {
            return null;
        }
        int end = newline < 0 ? limit : newline;
        int next = newline < 0 ? limit : newline + 1;
        if (end > pos && buf[end - 1] == '\r') {
            end--;
        }
        line++;
        String text = utf8.decode(ByteBuffer.wrap(buf, pos, end - pos)).toString();
        pos = next;
        return text;
    }

    /**
     * Sends the data lines of a {@code COPY … FROM stdin} block to {@code sink}, up to and excluding the line that
     * is exactly {@code \.}, and consumes that line. A line {@code \\.} is data (an escaped backslash), as is any
     * line that merely starts with {@code \.}.
     *
     * @return the number of data lines, which is the number of rows in text format
     * @throws EOFException if the script ends before the {@code \.} line
     */
    long pumpCopyData(DataSink sink, ScriptProgress progress, long rowsBefore) throws IOException, SQLException {
        long rows = 0;
        boolean lineStart = true;
        while (true) {
            if (!ensure(lineStart ? TERMINATOR_MAX : 1) && pos == limit) {
                throw new EOFException("the script ends inside a COPY data block");
            }
            int chunk = pos;
            while (pos < limit) {
                if (lineStart && buf[pos] == '\\') {
                    if (limit - pos < TERMINATOR_MAX && !eof) {
                        break;
                    }
                    int after = terminatorEnd(pos);
                    if (after > 0) {
                        sink.write(buf, chunk, pos - chunk);
                        pos = after;
                        line++;
                        return rows;
                    }
                }
                int newline = indexOfNewline(pos);
                lineStart = newline >= 0;
                pos = lineStart ? newline + 1 : limit;
                if (lineStart) {
                    rows++;
                    line++;
                }
            }
            if (pos > chunk) {
                sink.write(buf, chunk, pos - chunk);
                progress.progressed(bytesRead, rowsBefore + rows);
            }
        }
    }

    /** Where the line after a {@code \.} line at {@code at} starts, or -1 if the line at {@code at} is not one. */
    private int terminatorEnd(int at) {
        if (at + 1 >= limit || buf[at + 1] != '.') {
            return -1;
        }
        int i = at + 2;
        if (i < limit && buf[i] == '\r') {
            i++;
        }
        if (i == limit) {
            return eof ? i : -1;
        }
        return buf[i] == '\n' ? i + 1 : -1;
    }

    private int indexOfNewline(int from) {
        byte[] b = buf;
        for (int i = from; i < limit; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads until {@code n} bytes are buffered past {@code pos} or the stream ends; whether there are {@code n}. */
    private boolean ensure(int n) throws IOException {
        while (limit - pos < n && !eof) {
            makeRoom();
            fill();
        }
        return limit - pos >= n;
    }

    /** Moves the unread bytes to the front; doubles the buffer when they fill it (a very long SQL line). */
    private void makeRoom() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            byte[] bigger = new byte[Math.multiplyExact(buf.length, 2)];
            System.arraycopy(buf, 0, bigger, 0, limit);
            buf = bigger;
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
            bytesRead += n;
        }
    }
}
