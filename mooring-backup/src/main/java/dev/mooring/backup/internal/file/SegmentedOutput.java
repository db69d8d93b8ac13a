package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a backup file, written as ordered segments so that parallel workers can each fill one.
 * Thread-safe: segments may be opened and filled from different threads.
 */
public interface SegmentedOutput {
    /**
     * Opens the next segment. Its bytes appear in the file after those of every segment opened before it,
     * whatever order the segments are closed in. The caller must close it; closing does not close the file.
     */
    OutputStream openSegment() throws IOException;
}
