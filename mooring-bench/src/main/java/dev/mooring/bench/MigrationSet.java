package dev.mooring.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * N generated migrations, written twice with identical content: once with Mooring's file names
 * ({@code 0001_create_t1.sql}) and once with Flyway's ({@code V1__create_t1.sql}), because Flyway only reads its own
 * naming scheme. Migration {@code i} creates table {@code t_i}, an index on it, and inserts one row. The same
 * statements are kept in memory for the bare-JDBC floor. Immutable once generated.
 *
 * @param mooringFolder the folder with Mooring-named files
 * @param flywayFolder  the folder with Flyway-named files
 * @param migrations    the migrations in version order
 */
public record MigrationSet(Path mooringFolder, Path flywayFolder, List<Migration> migrations) {
    /**
     * One generated migration.
     *
     * @param number      its version as a number (1-based)
     * @param description the description part of its file names
     * @param statements  the three statements, without trailing semicolons, in order
     */
    public record Migration(int number, String description, List<String> statements) {
        /** The file body: one statement per line, each ending in a semicolon. */
        String script() {
            StringBuilder sb = new StringBuilder();
            for (String statement : statements) {
                sb.append(statement).append(";\n");
            }
            return sb.toString();
        }
    }

    public MigrationSet {
        migrations = List.copyOf(migrations);
    }

    public int size() {
        return migrations.size();
    }

    /** Writes {@code count} migrations under {@code root} (in {@code mooring/} and {@code flyway/}). */
    public static MigrationSet generate(Path root, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        Path mooring = root.resolve("mooring");
        Path flyway = root.resolve("flyway");
        // Zero-padded so the files also sort by version in a directory listing; wide enough for any count.
        String versionFormat = "%0" + Math.max(4, String.valueOf(count).length()) + "d";
        List<Migration> migrations = new ArrayList<>(count);
        try {
            Files.createDirectories(mooring);
            Files.createDirectories(flyway);
            for (int i = 1; i <= count; i++) {
                Migration m = migration(i);
                migrations.add(m);
                byte[] body = m.script().getBytes(StandardCharsets.UTF_8);
                Files.write(mooring.resolve(String.format(versionFormat, i) + "_" + m.description() + ".sql"), body);
                Files.write(flyway.resolve("V" + i + "__" + m.description() + ".sql"), body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write migrations under " + root, e);
        }
        return new MigrationSet(mooring, flyway, migrations);
    }

    static Migration migration(int i) {
        String table = "t_" + i;
        return new Migration(i, "create_t" + i, List.of(
                "CREATE TABLE " + table + " (id integer primary key, name text, created_at text)",
                "CREATE INDEX " + table + "_name_idx ON " + table + " (name)",
                "INSERT INTO " + table + " (id, name, created_at) VALUES (1, 'row " + i + "', '2026-01-01')"));
    }
}
