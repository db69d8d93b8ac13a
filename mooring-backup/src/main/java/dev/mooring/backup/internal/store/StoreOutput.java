package dev.mooring.backup.internal.store;

import java.io.OutputStream;

/**
 * The stream that writes one object of a {@link BackupStore}. {@link #close()} publishes the object; {@link #abort()}
 * discards everything written, and the object is not created (an existing object of that name stays as it was).
 * After either, writes fail with an {@link java.io.IOException}. Failures of the store itself (a full disk, a
 * refused request) are {@link dev.mooring.core.MooringException}s, thrown after the write was aborted. Not
 * thread-safe: one writer at a time.
 */
public abstract class StoreOutput extends OutputStream {

    /**
     * Discards the object: removes every byte written so far, wherever it went. Does nothing after a successful
     * {@link #close()} or a previous abort. Never throws: a failure path calls it, and what a failed abort leaves
     * behind {@link BackupStore#cleanUpIncomplete(java.time.Duration)} removes.
     */
    public abstract void abort();

    /**
     * Completes the object and makes it visible under its name. Does nothing after a successful close or an
     * abort.
     *
     * @throws dev.mooring.core.MooringException if the object could not be completed (it was aborted), or if a
     *                                           write failed before (the object was aborted then)
     */
    @Override
    public abstract void close();
}
