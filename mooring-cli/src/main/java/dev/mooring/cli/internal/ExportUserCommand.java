package dev.mooring.cli.internal;

import dev.mooring.backup.UserDataExport;
import dev.mooring.backup.UserExportResult;
import dev.mooring.backup.UserExportSection;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code mooring export-user}: everything one user owns as one JSON document (see {@link UserDataExport}), and with
 * {@code --config} (the sync configuration {@code mooring server} takes), under {@code sharedWithUser}, the rows of
 * other users its read rules let the user see, as their pull gets them ({@link SyncService#sharedWith}).
 * Without {@code --out} the document is the only thing on standard output, so it can be piped. With {@code --out}
 * it is written to a temporary file that only its owner can read and then moved into place, so a failed export
 * never leaves a partial file and personal data is never readable by other users, even for a moment.
 */
@Command(name = "export-user", mixinStandardHelpOptions = true,
        description = "Export everything one user owns as one JSON document (for data access requests); with"
                + " --config, also what other users share with them.")
public final class ExportUserCommand extends DatabaseCommand {
    @Option(names = "--user-id", required = true, paramLabel = "ID", description = "The user whose data to export.")
    String userId;

    @Option(names = "--owner-column", paramLabel = "COLUMN", defaultValue = UserDataExport.DEFAULT_OWNER_COLUMN,
            description = "The column that holds the owning user's id. Default: ${DEFAULT-VALUE}.")
    String ownerColumn;

    @Option(names = "--out", paramLabel = "FILE|s3://BUCKET/PREFIX/NAME", description = "Write the document to FILE"
            + " (readable by its owner only), or to an object in S3, instead of standard output. "
            + StoreOptions.CREDENTIALS)
    String out;

    @Mixin
    StoreOptions store;

    @Option(names = "--force", description = "Overwrite the --out file if it exists.")
    boolean force;

    @Option(names = "--config", paramLabel = "FILE", description = "The sync configuration (YAML or JSON), as for"
            + " mooring server: the document also gets, under sharedWithUser, the rows of other users its read rules"
            + " let the user see, in the columns their pull gets (PostgreSQL only).")
    Path config;

    /** The document's key for the rows other users share with the user. */
    static final String SHARED_WITH_USER = "sharedWithUser";

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter stdout) {
        UserDataExport export = UserDataExport.create(migrator.dataSource(), ownerColumn);
        if (config != null) {
            export = export.withSection(SHARED_WITH_USER, sharedWithUser(migrator.dataSource(), url));
        }
        if (out == null) {
            UserExportResult result = export.write(userId, stdout);
            stdout.println();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, Long> shared = result.sectionRows().get(SHARED_WITH_USER);
            Output.text(err, "Exported " + result.totalRows() + " row(s) from " + result.rowsByTable().size() + " table(s)"
                    + (shared == null ? "." : ", and " + total(shared) + " row(s) other users share with " + userId
                    + " (" + String.join(", ", shared.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .toList()) + ")."));
            return 0;
        }
        String where;
        UserExportResult result;
        if (StoreOptions.isUrl(out)) {
            // the object appears only when complete, so a failed export leaves nothing, as with a file
            StoreOptions.Named object = store.backup(out);
            result = export.write(userId, object.location(), object.name(), force, System.getenv());
            where = object.where();
        } else {
            store.location(out, List.of(out)); // refuses --s3-* options for a file
            Path file = Path.of(out).toAbsolutePath();
            result = writeFile(export, file);
            where = file.toString();
        }
        if (json) {
            Output.json(stdout, summary(result, where));
        } else {
            Output.text(stdout, render(result, where));
        }
        return 0;
    }

    /**
     * The rows shared with the user, read by the sync server's own rules: the configuration is loaded and checked
     * against the schema as {@code mooring server} does, before anything is written.
     */
    private UserExportSection sharedWithUser(DataSource dataSource, DatabaseUrl url) {
        if (!"postgresql".equals(url.dialect().name())) {
            throw new MooringException(ErrorCode.USAGE, "--config reads the sharing rules of the sync server's"
                    + " PostgreSQL database; " + url.redacted() + " is not one.");
        }
        SyncService sync = SyncService.create(dataSource, SyncConfigFile.load(config));
        return sync::sharedWith;
    }

    private UserExportResult writeFile(UserDataExport export, Path file) {
        if (Files.exists(file) && !force) {
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, file + " exists; add --force to overwrite it.");
        }
        Path temp = null;
        try {
            temp = ownerOnlyTempFile(file.getParent());
            UserExportResult result;
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(temp))) {
                result = export.write(userId, stream);
            }
            if (force) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(temp, file);
            }
            temp = null;
            return result;
        } catch (FileAlreadyExistsException e) {
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, file + " exists; add --force to overwrite it.", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Created with rw------- from the start: tightening permissions after writing would leave a window. */
    private static Path ownerOnlyTempFile(Path folder) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(folder, ".mooring-export-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        // Elsewhere (Windows) a new file inherits the folder's access list; there is no mode to set.
        return Files.createTempFile(folder, ".mooring-export-", ".tmp");
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // The export already failed; that error is the one worth reporting.
            }
        }
    }

    private static Map<String, Object> summary(UserExportResult result, String file) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", result.userId());
        body.put("ownerColumn", result.ownerColumn());
        body.put("file", file);
        body.put("totalRows", result.totalRows());
        body.put("rowsByTable", result.rowsByTable());
        Map<String, Long> shared = result.sectionRows().get(SHARED_WITH_USER);
        if (shared != null) {
            body.put("sharedRows", total(shared));
            body.put("sharedRowsByTable", shared);
        }
        return body;
    }

    static String render(UserExportResult result, String file) {
        String text = "Exported " + result.totalRows() + " row(s) of user " + result.userId() + " (owner column "
                + result.ownerColumn() + ") to " + file + "\n\n" + rowTable(result.rowsByTable());
        Map<String, Long> shared = result.sectionRows().get(SHARED_WITH_USER);
        return shared == null ? text : text + "\n\nShared with " + result.userId() + " by other users ("
                + SHARED_WITH_USER + "): " + total(shared) + " row(s)\n\n" + rowTable(shared);
    }

    private static TextTable rowTable(Map<String, Long> rowsByTable) {
        TextTable table = new TextTable("Table", "Rows");
        rowsByTable.forEach(table::row);
        return table;
    }

    private static long total(Map<String, Long> rowsByTable) {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
