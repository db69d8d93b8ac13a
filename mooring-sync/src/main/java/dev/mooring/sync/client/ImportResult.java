package dev.mooring.sync.client;

import dev.mooring.sync.PackageManifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What importing a data package did. Immutable.
 *
 * @param manifest       the package's manifest
 * @param source         how it reached this client
 * @param written        rows written (inserted, or replacing an older synced version), by table
 * @param keptLocal      rows left as they were because they hold local edits not yet pushed
 * @param alreadyNewer   rows left as they were because this client already held a version as new or newer
 * @param notWritten     rows this client's tables refused (a constraint, a required column the package lacks)
 * @param droppedColumns columns of the package this client's tables do not have, by table; their values were
 *                       left out
 * @param cursorMoved    whether the next sync continues from the package's watermark
 * @param cursor         the client's cursor now
 * @param cursorNote     why the cursor stayed, when it did; {@code null} when it moved
 */
public record ImportResult(PackageManifest manifest, PackageSource source, Map<String, Long> written, long keptLocal,
                           long alreadyNewer, long notWritten, Map<String, List<String>> droppedColumns,
                           boolean cursorMoved, String cursor, String cursorNote) {
    public ImportResult {
        Objects.requireNonNull(manifest, "manifest");
        // copies that keep the package's table order, for reports
        written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
        droppedColumns = Collections.unmodifiableMap(new LinkedHashMap<>(droppedColumns));
    }

    /** Rows written in all. */
    public long rowsWritten() {
        return written.values().stream().mapToLong(Long::longValue).sum();
    }
}
