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
        String[] lines = text.split("\r\n|\r|\n", -1);
        int last = lines.length - 1;
        while (last >= 0 && lines[last].isBlank()) {
            last--;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(lines[i].stripTrailing());
        }
        return out.toString();
    }
}
