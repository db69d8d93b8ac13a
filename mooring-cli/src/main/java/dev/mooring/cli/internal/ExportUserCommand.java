package dev.mooring.cli.internal;

import dev.mooring.backup.UserDataExport;
import dev.mooring.backup.UserExportResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
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
import java.util.Map;

/**
 * {@code mooring export-user}: everything one user owns as one JSON document (see {@link UserDataExport}).
 * Without {@code --out} the document is the only thing on standard output, so it can be piped. With {@code --out}
 * it is written to a temporary file that only its owner can read and then moved into place, so a failed export
 * never leaves a partial file and personal data is never readable by other users, even for a moment.
 */
@Command(name = "export-user", mixinStandardHelpOptions = true,
        description = "Export everything one user owns as one JSON document (for data access requests).")
public final class ExportUserCommand extends DatabaseCommand {
    @Option(names = "--user-id", required = true, paramLabel = "ID", description = "The user whose data to export.")
    String userId;

    @Option(names = "--owner-column", paramLabel = "COLUMN", defaultValue = UserDataExport.DEFAULT_OWNER_COLUMN,
            description = "The column that holds the owning user's id. Default: ${DEFAULT-VALUE}.")
    String ownerColumn;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the document to FILE (readable by its owner only) instead of standard output.")
    Path out;

    @Option(names = "--force", description = "Overwrite the --out file if it exists.")
    boolean force;

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter stdout) {
        UserDataExport export = UserDataExport.create(migrator.dataSource(), ownerColumn);
        if (out == null) {
            UserExportResult result = export.write(userId, stdout);
            stdout.println();
            PrintWriter err = spec.commandLine().getErr();
            Output.text(err, "Exported " + result.totalRows() + " row(s) from " + result.rowsByTable().size() + " table(s).");
            return 0;
        }
        Path file = out.toAbsolutePath();
        UserExportResult result = writeFile(export, file);
        if (json) {
            Output.json(stdout, summary(result, file));
        } else {
            Output.text(stdout, render(result, file));
        }
        return 0;
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

    private static Map<String, Object> summary(UserExportResult result, Path file) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", result.userId());
        body.put("ownerColumn", result.ownerColumn());
        body.put("file", file.toString());
        body.put("totalRows", result.totalRows());
        body.put("rowsByTable", result.rowsByTable());
        return body;
    }

    static String render(UserExportResult result, Path file) {
        TextTable table = new TextTable("Table", "Rows");
        result.rowsByTable().forEach(table::row);
        return "Exported " + result.totalRows() + " row(s) of user " + result.userId() + " (owner column "
                + result.ownerColumn() + ") to " + file + "\n\n" + table;
    }
}
