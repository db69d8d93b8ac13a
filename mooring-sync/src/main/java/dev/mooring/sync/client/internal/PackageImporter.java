package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.sync.CursorPosition;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.LocalPackage;
import dev.mooring.sync.client.PackageImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Imports a data package into a client database. Everything is checked before the database is touched: the file's
 * digests ({@link PackageFile#verify}), then whether it fits this database; a package that does not fit is refused
 * with {@code PACKAGE_REFUSED} and nothing changes. It fits when:
 * <ul>
 *   <li>it is not older than a package of its type imported before (the same package again is fine);</li>
 *   <li>its target client schema version, if it names one, is not newer than this database's (upgrade first); a
 *       database at a newer schema takes it, as it takes rows from the server, the columns it lacks left out;</li>
 *   <li>every table it holds is a table this client syncs;</li>
 *   <li>it is not for another user than the one the caller names.</li>
 * </ul>
 * The rows are then written in one transaction ({@link PackageLoader}), the import is recorded in
 * {@code local_packages} with a verified copy of the file, and the cursor moves to the package's watermark when
 * that is safe and newer: the package holds every table this client syncs, was cut without a filter, is for this
 * client's user (named by the caller) or shared, every row could be written, and the watermark is after the cursor
 * (no cursor and a bootstrap in progress count as before every position). Otherwise the rows stay loaded and the
 * result says why the cursor stayed. Stateless.
 */
public final class PackageImporter {
    private PackageImporter() {
    }

    /**
     * @param database the database file, for the folder of package copies and temporary files
     * @param tables   the tables this client syncs
     */
    public static ImportResult run(Connection c, Path database, Map<String, LocalTable> tables, String schemaVersion,
                                   Path file, PackageImport how) throws SQLException {
        Path folder = LocalPackages.folder(database);
        try (PackageFile.Verified verified = PackageFile.verify(file, database.toAbsolutePath().getParent())) {
            PackageManifest manifest = verified.manifest();
            refuseUnfit(c, manifest, tables, schemaVersion, how, folder, file);
            Path copy = folder.resolve(LocalPackages.fileName(manifest));
            boolean copied = keep(file, copy);
            long size = Files.size(copy);
            List<String> superseded = new ArrayList<>();
            ImportResult result;
            try (Connection pkg = verified.open()) {
                result = Transactions.immediate(c, () -> {
                    ClientState.applying(c, true);
                    ImportResult done = load(c, pkg, manifest, tables, how);
                    LocalPackages.record(c, manifest, size, how.source(), copy.getFileName().toString());
                    superseded.addAll(LocalPackages.supersede(c, manifest));
                    ClientState.applying(c, false);
                    return done;
                });
            } catch (SQLException | RuntimeException e) {
                if (copied) {
                    Files.deleteIfExists(copy);
                }
                throw e;
            }
            for (String old : superseded) {
                // only once the import is committed: until then the older copy is still the one to share
                Files.deleteIfExists(folder.resolve(old));
            }
            return result;
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not keep a copy of package " + file + " in " + folder
                    + ": " + e.getMessage() + ". Nothing was imported.", e);
        }
    }

    private static ImportResult load(Connection c, Connection pkg, PackageManifest manifest,
                                     Map<String, LocalTable> tables, PackageImport how) throws SQLException {
        Map<String, Long> written = new LinkedHashMap<>();
        Map<String, List<String>> dropped = new LinkedHashMap<>();
        long kept = 0;
        long newer = 0;
        long refused = 0;
        Hlc newest = null;
        for (PackageManifest.Table table : manifest.tables()) {
            PackageLoader.Outcome outcome = PackageLoader.load(c, pkg, tables.get(table.name()), table);
            written.put(table.name(), outcome.written());
            if (!outcome.dropped().isEmpty()) {
                dropped.put(table.name(), outcome.dropped());
            }
            kept += outcome.keptLocal();
            newer += outcome.alreadyNewer();
            refused += outcome.notWritten();
            if (outcome.newest() != null && (newest == null || outcome.newest().compareTo(newest) > 0)) {
                newest = outcome.newest();
            }
        }
        if (newest != null) {
            // later local edits must be stamped after every version this client now holds
            ClientState.receive(c, newest);
        }
        String note = cursorNote(c, manifest, tables, how, refused);
        if (note == null) {
            ClientState.setCursor(c, manifest.watermark());
        }
        return new ImportResult(manifest, how.source(), written, kept, newer, refused, dropped, note == null,
                ClientState.cursor(c), note);
    }

    /** Why the cursor may not move to the package's watermark; {@code null} when it may. */
    private static String cursorNote(Connection c, PackageManifest manifest, Map<String, LocalTable> tables,
                                     PackageImport how, long refused) throws SQLException {
        List<String> missing = new ArrayList<>(tables.keySet());
        missing.removeAll(manifest.tableNames());
        if (!missing.isEmpty()) {
            return "the package does not hold " + String.join(", ", missing) + ", which this client syncs too";
        }
        if (manifest.where() != null) {
            return "the package was cut with a filter (" + manifest.where() + "), so it may lack rows this client syncs";
        }
        if (!manifest.shared() && how.userId() == null) {
            return "the package holds the rows of user " + manifest.user() + "; name the user this client syncs as"
                    + " to let sync continue from it";
        }
        if (refused > 0) {
            return refused + " of its rows could not be written to this client's tables";
        }
        CursorPosition watermark = CursorPosition.parse(manifest.watermark()).orElseThrow(() -> new MooringException(
                ErrorCode.PACKAGE_CORRUPT, "package " + manifest.id() + " has no watermark a sync can continue from"));
        String cursor = ClientState.cursor(c);
        if (!watermark.follows(cursor)) {
            // at it exactly: this package (or one cut at the same point) was imported, or a sync stopped there
            return CursorPosition.parse(cursor).filter(watermark::equals).isPresent()
                    ? "this client is already at the package's watermark"
                    : "this client has synced past the package's watermark already";
        }
        return null;
    }

    private static void refuseUnfit(Connection c, PackageManifest manifest, Map<String, LocalTable> tables,
                                    String schemaVersion, PackageImport how, Path folder, Path file)
            throws SQLException {
        String what = "Package " + manifest.type() + " version " + manifest.version() + " (" + file + ")";
        Optional<LocalPackage> newest = LocalPackages.newest(c, manifest.type(), folder);
        if (newest.isPresent() && !newest.get().id().equals(manifest.id())
                && newest.get().version() >= manifest.version()) {
            throw refused(what + " is not newer than version " + newest.get().version() + ", which this database"
                    + " imported on " + newest.get().importedAt() + "; import a newer package of this type");
        }
        String target = manifest.clientSchemaVersion();
        if (target != null && version(target, file).compareTo(MigrationVersion.parse(schemaVersion)) > 0) {
            throw refused(what + " is for client schema version " + target + " or newer, and this database is at "
                    + schemaVersion + "; update the app (run its migrations), then import it again");
        }
        List<String> unknown = new ArrayList<>(manifest.tableNames());
        unknown.removeAll(tables.keySet());
        if (!unknown.isEmpty()) {
            throw refused(what + " holds " + String.join(", ", unknown) + ", which this database does not sync"
                    + " (synced: " + String.join(", ", tables.keySet()) + "); sync those tables, or import a package"
                    + " without them");
        }
        if (how.userId() != null && !manifest.shared() && !how.userId().equals(manifest.user())) {
            throw refused(what + " holds the rows of user " + manifest.user() + ", and this client syncs as "
                    + how.userId() + "; import that user's package");
        }
    }

    private static MigrationVersion version(String text, Path file) {
        try {
            return MigrationVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MooringException(ErrorCode.PACKAGE_CORRUPT, file + " names client schema version '" + text
                    + "', which is not a migration version. Nothing was imported.", e);
        }
    }

    /**
     * Copies the verified file into the package folder unless a copy of this package is there already (imported
     * before, or downloaded into place); returns whether it copied, so that a failed import removes only its own copy.
     */
    private static boolean keep(Path file, Path copy) throws IOException {
        if (Files.exists(copy)) {
            return false;
        }
        Files.createDirectories(copy.getParent());
        PackageFile.copy(file, copy);
        return true;
    }

    private static MooringException refused(String message) {
        return new MooringException(ErrorCode.PACKAGE_REFUSED, message + ". Nothing was imported.");
    }
}
