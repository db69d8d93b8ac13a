package dev.mooring.migrate;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Creates new migration files ({@code mooring new}). Stateless. */
public final class MigrationFiles {
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private MigrationFiles() {
    }

    /**
     * Writes {@code <UTC timestamp>_<description>.sql} with an UP/DOWN template into {@code folder} (created if
     * missing) and returns its path. Never overwrites a file.
     */
    public static Path create(Path folder, String description, Instant now) {
        String slug = description == null ? "" : description.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (slug.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE,
                    "A new migration needs a description with letters or digits, e.g. `mooring new \"add events index\"`.");
        }
        Path file = folder.resolve(VERSION.format(now) + "_" + slug + ".sql");
        String text = "-- Description: " + description.strip() + "\n"
                + "-- UP\n\n\n"
                + "-- DOWN\n\n";
        try {
            Files.createDirectories(folder);
            Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
            return file;
        } catch (FileAlreadyExistsException e) {
            throw new MooringException(ErrorCode.IO, file + " already exists; wait a second or pick another description.", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
