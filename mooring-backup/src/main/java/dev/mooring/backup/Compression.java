package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Locale;

/** How a backup file is compressed. Compression happens before encryption. */
public enum Compression {
    /** No compression: a plain SQL script (PostgreSQL) or database file (SQLite) that other tools read as is. */
    NONE(""),
    /** gzip, readable with {@code gunzip}. */
    GZIP(".gz"),
    /** Zstandard, readable with {@code zstd -d}; faster and smaller than gzip. */
    ZSTD(".zst");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** The file name suffix, {@code ""}, {@code .gz} or {@code .zst}. */
    public String extension() {
        return extension;
    }

    /** Parses {@code none}, {@code gzip} or {@code zstd}, ignoring case. */
    public static Compression parse(String name) {
        for (Compression c : values()) {
            if (c.name().equalsIgnoreCase(name.strip())) {
                return c;
            }
        }
        throw new MooringException(ErrorCode.USAGE, "unknown compression '" + name + "': use one of "
                + String.join(", ", java.util.Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()));
    }
}
