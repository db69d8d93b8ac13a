package dev.mooring.bench;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * What one benchmark fork works in: the generated migrations in a temporary folder and a source of fresh, empty
 * databases of one kind. SQLite databases are new files in the folder; PostgreSQL databases are new databases on
 * one embedded PostgreSQL server that lives as long as the workspace, so server start-up is never measured.
 * Closing it stops the server and deletes the folder. Not thread-safe: JMH calls setup and tear-down from one thread.
 */
public final class Workspace implements AutoCloseable {
    /** The database kinds a benchmark can run on, named as the JMH parameter names them. */
    public enum Kind {
        SQLITE, POSTGRESQL;

        public static Kind named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** An empty database; closing it deletes it. */
    public interface FreshDatabase extends AutoCloseable {
        DataSource dataSource();

        /** A JDBC URL for it, for tools that take one (SQLite: the file). */
        String jdbcUrl();

        @Override
        void close();
    }

    private final Kind kind;
    private final Path root;
    private final MigrationSet migrations;
    private final EmbeddedPostgresServer server;
    private int created;

    private Workspace(Kind kind, Path root, MigrationSet migrations, EmbeddedPostgresServer server) {
        this.kind = kind;
        this.root = root;
        this.migrations = migrations;
        this.server = server;
    }

    /** Generates {@code count} migrations and, for PostgreSQL, starts the embedded server. */
    public static Workspace open(Kind kind, int count) {
        Path root;
        try {
            root = Files.createTempDirectory("mooring-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MigrationSet migrations = MigrationSet.generate(root.resolve("migrations"), count);
        EmbeddedPostgresServer server = kind == Kind.POSTGRESQL ? EmbeddedPostgresServer.startTemporary() : null;
        return new Workspace(kind, root, migrations, server);
    }

    public Kind kind() {
        return kind;
    }

    public MigrationSet migrations() {
        return migrations;
    }

    /** A new empty database, never used before in this workspace. */
    public FreshDatabase freshDatabase() {
        int n = ++created;
        if (kind == Kind.SQLITE) {
            Path file = root.resolve("bench_" + n + ".db");
            DatabaseUrl url = DatabaseUrl.parse(file.toString());
            DataSource dataSource = url.toDataSource();
            return new FreshDatabase() {
                @Override
                public DataSource dataSource() {
                    return dataSource;
                }

                @Override
                public String jdbcUrl() {
                    return url.jdbcUrl();
                }

                @Override
                public void close() {
                    deleteQuietly(file);
                    deleteQuietly(Path.of(file + "-journal"));
                    deleteQuietly(Path.of(file + "-wal"));
                    deleteQuietly(Path.of(file + "-shm"));
                }
            };
        }
        String name = "bench_" + n;
        server.createDatabaseIfMissing(name);
        DataSource dataSource = server.dataSource(name);
        String jdbcUrl = server.url(name).jdbcUrl();
        return new FreshDatabase() {
            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public String jdbcUrl() {
                return jdbcUrl;
            }

            @Override
            public void close() {
                server.dropDatabase(name);
            }
        };
    }

    /**
     * Flushes the operating system's dirty pages ({@code sync}) so that every measured run starts with a quiet disk.
     * Without it, a run pays for the write-back of what came before it: the 2,000 generated files, initdb, the
     * previous iteration's database and its deletion. The first full run showed the floor on SQLite getting 2x faster
     * over its iterations for that reason alone, which skews whichever contender runs first. Best effort: where
     * there is no {@code sync} command the run goes on unsettled.
     */
    public static void settleDisk() {
        try {
            new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // No sync command on this system: measure anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            deleteTree(root);
        }
    }

    static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(Workspace::deleteQuietly);
        } catch (IOException e) {
            // A leftover temporary folder is harmless; the benchmark result is what matters.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // See deleteTree.
        }
    }
}
