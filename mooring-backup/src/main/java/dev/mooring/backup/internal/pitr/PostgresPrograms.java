package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the PostgreSQL programs a restored data directory needs: those of the backup's major version, since a
 * server reads only its own major version's files. Looks in the folder given, else on the {@code PATH}, else in a
 * fallback folder (the embedded binaries). Stateless.
 */
public final class PostgresPrograms {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private PostgresPrograms() {
    }

    /**
     * The folder holding {@code pg_ctl} of major version {@code major}.
     *
     * @throws MooringException {@code CONFIGURATION} naming what was found and the fix
     */
    public static Path find(int major, Path given, Path fallback, Map<String, String> environment) {
        if (given != null) {
            int found = majorVersion(given).orElseThrow(() -> new MooringException(ErrorCode.CONFIGURATION,
                    "there is no runnable pg_ctl in " + given + ": give --pg-bin the folder of the PostgreSQL " + major
                            + " programs (pg_ctl, postgres)"));
            if (found != major) {
                throw new MooringException(ErrorCode.CONFIGURATION, "the base backup is of PostgreSQL " + major + ", but "
                        + given + " holds PostgreSQL " + found + "'s programs: give --pg-bin the folder of the"
                        + " PostgreSQL " + major + " programs");
            }
            return given;
        }
        List<String> seen = new ArrayList<>();
        String path = environment.getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty() || !Files.isExecutable(Path.of(entry, "pg_ctl"))) {
                continue;
            }
            Path dir = Path.of(entry);
            Optional<Integer> found = majorVersion(dir);
            if (found.isPresent() && found.get() == major) {
                return dir;
            }
            seen.add(dir + " (PostgreSQL " + found.map(String::valueOf).orElse("?") + ")");
        }
        if (fallback != null && majorVersion(fallback).orElse(-1) == major) {
            return fallback;
        }
        if (fallback != null) {
            seen.add(fallback + " (embedded, PostgreSQL " + majorVersion(fallback).map(String::valueOf).orElse("?") + ")");
        }
        throw new MooringException(ErrorCode.CONFIGURATION, "the base backup is of PostgreSQL " + major + ", and no"
                + " pg_ctl of that version was found" + (seen.isEmpty() ? " on the PATH" : ": " + String.join(", ", seen))
                + ". Install PostgreSQL " + major + " or give its programs' folder with --pg-bin");
    }

    /** The major version of {@code dir/pg_ctl}, if it runs. */
    static Optional<Integer> majorVersion(Path dir) {
        Path pgCtl = dir.resolve("pg_ctl");
        if (!Files.isExecutable(pgCtl)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(pgCtl.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = VERSION.matcher(out);
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
