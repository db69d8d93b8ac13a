package dev.mooring.backup;

import dev.mooring.backup.internal.export.ExportRun;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Exports everything one user owns as one JSON document, for data access requests. Works on PostgreSQL and
 * SQLite, detected from the connection.
 * <pre>{@code
 * UserExportResult result = UserDataExport.create(dataSource, "user_id").write("42", out);
 * }</pre>
 * <h2>What is exported</h2>
 * <ul>
 * <li><b>Owned tables</b>: every user table that has the owner column (PostgreSQL: every schema except the
 *     system schemas and Mooring's {@code mooring} schema; never the migration history table
 *     {@code schema_version}). Its rows are those whose owner column, compared as text, equals the user id, so
 *     {@code uuid}, integer and text owner columns all work. A table with the owner column is selected by it
 *     alone: another user's row is never exported because it references this user's rows.</li>
 * <li><b>The user's own row</b>: a table without the owner column that owner columns reference by foreign key
 *     ({@code notes.user_id REFERENCES users (id)}) is owned through that key: its row whose key, compared as
 *     text, equals the user id, and no other.</li>
 * <li><b>Reachable tables</b>: tables without the owner column whose foreign keys (composite ones too, over any
 *     number of levels) lead to selected rows. A table reachable through several keys or chains gets the union
 *     of them. Chains stop at tables already on the chain, so cycles end; a self reference is followed
 *     recursively, so nested rows (replies to replies) come along at any depth.</li>
 * <li>Tables with neither are not exported.</li>
 * </ul>
 * <h2>Document</h2>
 * <pre>{@code
 * {"userId": "42", "ownerColumn": "user_id", "exportedAt": "2026-02-01T10:00:00Z", "database": "postgresql",
 *  "tables": {"public.reminders": [{"id": 1, "title": "…"}, …], …}}
 * }</pre>
 * A {@link #withSection section} adds a key after {@code tables} with what it writes, read in the same snapshot (the
 * CLI adds the rows shared with the user this way, under {@code sharedWithUser}).
 * Table keys are {@code schema.table} on PostgreSQL and {@code table} on SQLite, in name order; rows are in
 * primary-key order. Values keep their JSON type: numbers (exact decimals), booleans, null, strings; timestamps as
 * ISO-8601 strings ({@code timestamptz} in UTC); json and jsonb embedded; arrays as arrays; binary data as base64.
 * <h2>Guarantees</h2>
 * Everything is read in one snapshot (PostgreSQL: one {@code REPEATABLE READ READ ONLY} transaction; SQLite: one
 * read transaction), rows are streamed rather than held in memory, identifiers come from the catalogs and are
 * quoted, and the user id is only ever a bind parameter. The output stream is flushed, not closed.
 * <p>
 * Immutable and thread-safe; every {@code write} uses its own connection.
 */
public final class UserDataExport {
    /** The owner column used when none is given. */
    public static final String DEFAULT_OWNER_COLUMN = "user_id";

    /** The keys the document has anyway, which no section may take. */
    private static final Set<String> DOCUMENT_KEYS = Set.of("userId", "ownerColumn", "exportedAt", "database", "tables");

    private final DataSource dataSource;
    private final String ownerColumn;
    private final Map<String, UserExportSection> sections;

    private UserDataExport(DataSource dataSource, String ownerColumn, Map<String, UserExportSection> sections) {
        this.dataSource = dataSource;
        this.ownerColumn = ownerColumn;
        this.sections = sections;
    }

    /**
     * An export over {@code dataSource} that selects rows by {@code ownerColumn} ({@code null} means
     * {@value #DEFAULT_OWNER_COLUMN}). The column is checked against the schema when an export runs.
     */
    public static UserDataExport create(DataSource dataSource, String ownerColumn) {
        Objects.requireNonNull(dataSource, "dataSource");
        String column = ownerColumn == null ? DEFAULT_OWNER_COLUMN : ownerColumn;
        if (column.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "the owner column must not be blank");
        }
        return new UserDataExport(dataSource, column, Map.of());
    }

    /**
     * A copy that also writes {@code section} under {@code key}, after the owned tables and any section added before,
     * in the export's snapshot.
     *
     * @throws MooringException {@link ErrorCode#USAGE} when the document already has {@code key}
     */
    public UserDataExport withSection(String key, UserExportSection section) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(section, "section");
        if (key.isBlank() || DOCUMENT_KEYS.contains(key) || sections.containsKey(key)) {
            throw new MooringException(ErrorCode.USAGE, "an export section cannot be written under '" + key
                    + "': the document has that key already (or it is blank)");
        }
        Map<String, UserExportSection> more = new LinkedHashMap<>(sections);
        more.put(key, section);
        return new UserDataExport(dataSource, ownerColumn, Collections.unmodifiableMap(more));
    }

    /** The owner column rows are selected by. */
    public String ownerColumn() {
        return ownerColumn;
    }

    /**
     * Writes the document of {@code userId} to {@code out} as UTF-8.
     *
     * @throws MooringException {@link ErrorCode#USAGE} when no table has the owner column; {@link ErrorCode#DATABASE},
     *                          {@link ErrorCode#CONNECTION} or {@link ErrorCode#IO} when reading or writing fails
     */
    public UserExportResult write(String userId, OutputStream out) {
        Objects.requireNonNull(out, "out");
        return ExportRun.toStream(dataSource, ownerColumn, sections, Objects.requireNonNull(userId, "userId"), out);
    }

    /** Writes the document of {@code userId} to {@code out}; as {@link #write(String, OutputStream)}. */
    public UserExportResult write(String userId, Writer out) {
        Objects.requireNonNull(out, "out");
        return ExportRun.toWriter(dataSource, ownerColumn, sections, Objects.requireNonNull(userId, "userId"), out);
    }

    /**
     * Writes the document of {@code userId} as the object {@code name} in {@code location} — a folder, or a bucket
     * and prefix in S3 with credentials from {@code environment} as for backups ({@link BackupConfig#environment()})
     * — which becomes visible only once complete: a failed export leaves nothing there.
     *
     * @throws MooringException {@link ErrorCode#CONFIRMATION_REQUIRED} when the object exists and not
     *                          {@code overwrite}; otherwise as {@link #write(String, OutputStream)}
     */
    public UserExportResult write(String userId, BackupLocation location, String name, boolean overwrite,
                                  Map<String, String> environment) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        try (BackupStore store = Stores.open(location, environment)) {
            if (!overwrite && store.exists(name)) {
                throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, store.describe(name)
                        + " exists; add --force to overwrite it.");
            }
            UserExportResult[] result = new UserExportResult[1];
            store.write(name, out -> result[0] = write(userId, out));
            return result[0];
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write " + location.describe() + ": " + e.getMessage(), e);
        }
    }
}
