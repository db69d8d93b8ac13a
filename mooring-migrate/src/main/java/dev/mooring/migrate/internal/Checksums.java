package dev.mooring.migrate.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Checksums of migration text that do not change when only line endings or trailing white space change,
 * so a file checked out on Windows or touched by an editor still matches its history row. Thread-safe.
 */
public final class Checksums {
    private Checksums() {
    }

    /** CRC-32C of the normalized text, as a non-negative number. */
    public static long of(String text) {
        CRC32C crc = new CRC32C();
        crc.update(normalize(text).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** Line endings to {@code \n}, trailing white space of each line and trailing blank lines removed. */
    static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int kept = 0; // length of out up to the end of the last line that had content
        int n = text.length();
        for (int lineStart = 0; lineStart <= n; ) {
            int lineEnd = lineStart;
            while (lineEnd < n && text.charAt(lineEnd) != '\n' && text.charAt(lineEnd) != '\r') {
                lineEnd++;
            }
            int contentEnd = lineEnd;
            while (contentEnd > lineStart && Character.isWhitespace(text.charAt(contentEnd - 1))) {
                contentEnd--;
            }
            if (lineStart > 0) {
                out.append('\n');
            }
            out.append(text, lineStart, contentEnd);
            if (contentEnd > lineStart) {
                kept = out.length();
            }
            lineStart = lineEnd + (lineEnd < n && text.charAt(lineEnd) == '\r' && lineEnd + 1 < n && text.charAt(lineEnd + 1) == '\n' ? 2 : 1);
        }
        out.setLength(kept);
        return out.toString();
    }
}
