package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.internal.PackageCut;
import dev.mooring.server.internal.PackageGenerations;
import dev.mooring.server.internal.PackageGenerations.Generation;
import dev.mooring.server.internal.TableCatalog;
import dev.mooring.server.internal.WhereFilter;
import dev.mooring.sync.AvailablePackage;
import dev.mooring.sync.CursorPosition;
import dev.mooring.sync.PackageDigest;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import dev.mooring.sync.PackageOrder;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Data packages on the server: cuts them from the synced tables in one snapshot ({@link #cut}), keeps the record of
 * every generation in {@code mooring.package_generations}, serves an unchanged package again instead of cutting a
 * new one, and finds what a user may download ({@link #available}, {@link #download}). A package file is served from
 * the path its generation recorded for as long as that file still holds the package. Thread-safe; one generation of
 * a name runs at a time, even across processes (an advisory lock).
 *
 * <pre>{@code
 * Packages packages = Packages.create(dataSource, SyncConfigFile.load(Path.of("sync.yaml")));
 * PackageGeneration g = packages.cut(PackageRequest.forUser("notes", "alice", "notes", "tags"), Path.of("alice.mpkg"));
 * }</pre>
 */
public final class Packages {
    /** A package file a user may download, and what the listing says of it. */
    public record Download(AvailablePackage info, Path file) {
    }

    private final DataSource dataSource;
    private final SyncConfig config;
    private final TableCatalog catalog;
    private final String historyTable;

    private Packages(DataSource dataSource, SyncConfig config, TableCatalog catalog, String historyTable) {
        this.dataSource = dataSource;
        this.config = config;
        this.catalog = catalog;
        this.historyTable = historyTable;
    }

    /**
     * Packages of a database where {@link SyncSchema#install} has run with {@code config}; the application's schema
     * version is read from the migration history table {@code schema_version}.
     *
     * @throws MooringException {@code CONFIGURATION} naming every synced table that cannot sync
     */
    public static Packages create(DataSource dataSource, SyncConfig config) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(config, "config");
        try (Connection c = dataSource.getConnection()) {
            return new Packages(dataSource, config, TableCatalog.read(c, config), MigrationConfig.DEFAULT_TABLE);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the synced tables: " + e.getMessage(), e);
        }
    }

    /** The same packages, reading the application's schema version from another migration history table. */
    public Packages withHistoryTable(String table) {
        return new Packages(dataSource, config, catalog, Objects.requireNonNull(table, "table"));
    }

    /**
     * Cuts a package into {@code out} (replacing the file there) and records the generation. When the newest
     * generation of the same name, tables, filter and owner still exists unchanged on disk, the schema versions are
     * the same and no change that it may lack has been captured since its watermark, that file is served again
     * (copied to {@code out} when it is elsewhere) and recorded as reused.
     *
     * @throws MooringException {@code USAGE} for a table that is not synced, an owned table in a shared package or a
     *                          refused filter; {@code IO} when the file cannot be written; {@code DATABASE} otherwise
     */
    public PackageGeneration cut(PackageRequest request, Path out) {
        long started = System.nanoTime();
        PackageRequest checked = Objects.requireNonNull(request, "request").withWhere(WhereFilter.check(request.where()));
        List<TableCatalog.Table> tables = tables(checked);
        Path target = Objects.requireNonNull(out, "out").toAbsolutePath().normalize();
        if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
            throw new MooringException(ErrorCode.USAGE, "The folder for " + out + " does not exist; create it first.");
        }
        try (Connection c = dataSource.getConnection()) {
            PackageGenerations.lock(c, checked.name());
            try {
                Optional<Generation> latest = PackageGenerations.latest(c, checked.name(), checked.tables(),
                        checked.where(), checked.userId());
                if (latest.isPresent() && unchanged(c, latest.get(), checked)) {
                    return reuse(c, latest.get(), checked, target, started);
                }
                return fresh(c, tables, checked, target, started);
            } finally {
                PackageGenerations.unlock(c, checked.name());
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not cut package " + request.name() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write package " + request.name() + " to " + out + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Cuts (or serves from the cache) the package a user ordered over HTTP: their own rows, or a shared package,
     * recorded as requested by them, into {@code dir} under a name made of the package name and a digest of its
     * owner and tables, so each kind of order has one file that the next one replaces.
     */
    public PackageGeneration order(String userId, PackageOrder order, Path dir) {
        Objects.requireNonNull(userId, "userId");
        String[] tables = order.tables().toArray(String[]::new);
        PackageRequest request = (order.shared() ? PackageRequest.shared(order.name(), tables)
                : PackageRequest.forUser(order.name(), userId, tables)).withRequestedBy(userId);
        MessageDigest digest = PackageDigest.sha256();
        digest.update(((order.shared() ? "*" : "user:" + userId) + "\n" + String.join(",", order.tables()))
                .getBytes(StandardCharsets.UTF_8));
        return cut(request, dir.resolve(order.name() + "." + PackageDigest.hex(digest).substring(0, 16) + ".mpkg"));
    }

    /** The packages {@code userId} may download (their own and shared ones) whose files are in place, newest first. */
    public List<AvailablePackage> available(String userId) {
        Objects.requireNonNull(userId, "userId");
        List<AvailablePackage> found = new ArrayList<>();
        for (Generation g : query(c -> PackageGenerations.visibleTo(c, userId))) {
            held(g).ifPresent(m -> found.add(info(g, m)));
        }
        return found;
    }

    /**
     * The file of package {@code packageId} if {@code userId} may download it: their own or a shared one, still in
     * place. Empty alike for an unknown id and another user's package, so that ids of others are not revealed.
     */
    public Optional<Download> download(String userId, String packageId) {
        Objects.requireNonNull(userId, "userId");
        try {
            UUID.fromString(Objects.requireNonNull(packageId, "packageId"));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Generation g : query(c -> PackageGenerations.ofPackage(c, packageId, userId))) {
            Optional<PackageManifest> manifest = held(g);
            if (manifest.isPresent()) {
                return Optional.of(new Download(info(g, manifest.get()), g.path()));
            }
        }
        return Optional.empty();
    }

    private List<TableCatalog.Table> tables(PackageRequest request) {
        List<TableCatalog.Table> tables = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        for (String name : request.tables()) {
            TableCatalog.Table table = catalog.table(name).orElseThrow(() -> new MooringException(ErrorCode.USAGE,
                    "Table " + name + " is not synced, so it cannot go in a package; synced tables: "
                            + String.join(", ", config.tables().stream().map(SyncedTable::name).toList()) + "."));
            if (!table.sync().publicRead()) {
                owned.add(name);
            }
            tables.add(table);
        }
        if (request.shared() && !owned.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, "A shared package holds public-read tables only, and "
                    + String.join(", ", owned) + (owned.size() == 1 ? " is" : " are") + " owned by users: cut a"
                    + " package per user (--user ID), or leave " + (owned.size() == 1 ? "it" : "them") + " out.");
        }
        return tables;
    }

    private boolean unchanged(Connection c, Generation g, PackageRequest request) throws SQLException, IOException {
        Optional<CursorPosition> watermark = CursorPosition.parse(g.watermark());
        return watermark.isPresent()
                && Objects.equals(g.schemaVersion(), schemaVersion(c))
                && Objects.equals(g.clientSchemaVersion(), request.clientSchemaVersion())
                && Files.isRegularFile(g.path()) && Files.size(g.path()) == g.size()
                && PackageDigest.file(g.path()).equals(g.sha256())
                && !PackageGenerations.changedSince(c, request.tables(), request.userId(), watermark.get().xid());
    }

    private PackageGeneration reuse(Connection c, Generation g, PackageRequest request, Path target, long started)
            throws SQLException, IOException {
        if (!Files.exists(target) || !Files.isSameFile(g.path(), target)) {
            PackageFile.copy(g.path(), target);
        }
        Generation copy = new Generation(0, g.packageId(), g.name(), g.version(), g.size(), g.sha256(), g.watermark(),
                g.tables(), g.where(), g.userId(), target, g.schemaVersion(), g.clientSchemaVersion());
        long duration = millis(started);
        long id = PackageGenerations.insert(c, copy, request.requestedBy(), duration, true);
        return new PackageGeneration(id, PackageFile.readManifest(target), target, g.size(), g.sha256(),
                request.requestedBy(), duration, true);
    }

    private PackageGeneration fresh(Connection c, List<TableCatalog.Table> tables, PackageRequest request, Path target,
                                    long started) throws SQLException, IOException {
        PackageCut.Identity identity = new PackageCut.Identity(UUID.randomUUID().toString(),
                PackageGenerations.nextVersion(c, request.name()), Instant.now().truncatedTo(ChronoUnit.MILLIS),
                historyTable);
        Path data = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".db");
        try {
            PackageManifest cut = snapshot(c, tables, request, identity, data);
            PackageManifest written = PackageFile.write(cut, data, target);
            long size = Files.size(target);
            String sha256 = PackageDigest.file(target);
            long duration = millis(started);
            long id = PackageGenerations.insert(c, new Generation(0, written.id(), written.type(), written.version(),
                    size, sha256, written.watermark(), request.tables(), request.where(), request.userId(), target,
                    written.schemaVersion(), written.clientSchemaVersion()), request.requestedBy(), duration, false);
            return new PackageGeneration(id, written, target, size, sha256, request.requestedBy(), duration, false);
        } finally {
            Files.deleteIfExists(data);
        }
    }

    /** Cuts in one REPEATABLE READ, read-only transaction: every table from the same snapshot. */
    private PackageManifest snapshot(Connection c, List<TableCatalog.Table> tables, PackageRequest request,
                                     PackageCut.Identity identity, Path data) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            PackageManifest manifest = PackageCut.cut(c, catalog, tables, request, identity, data);
            c.commit();
            return manifest;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private String schemaVersion(Connection c) {
        return Migrator.appliedVersion(c, historyTable).orElse(null);
    }

    /** The manifest of the package the generation's file holds, if it still holds that package. */
    private static Optional<PackageManifest> held(Generation g) {
        try {
            if (!Files.isRegularFile(g.path()) || Files.size(g.path()) != g.size()) {
                return Optional.empty();
            }
            PackageManifest manifest = PackageFile.readManifest(g.path());
            return manifest.id().equals(g.packageId()) ? Optional.of(manifest) : Optional.empty();
        } catch (IOException | MooringException e) {
            return Optional.empty(); // replaced, moved or damaged since: not this package any more
        }
    }

    private static AvailablePackage info(Generation g, PackageManifest m) {
        return new AvailablePackage(m.id(), m.type(), m.version(), m.createdAt().toString(), g.size(), g.sha256(),
                m.tableNames(), m.user());
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T query(Query<T> query) {
        try (Connection c = dataSource.getConnection()) {
            return query.run(c);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the package generations: "
                    + e.getMessage(), e);
        }
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
