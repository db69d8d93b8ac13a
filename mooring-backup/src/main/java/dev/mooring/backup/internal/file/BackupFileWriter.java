package dev.mooring.backup.internal.file;

import dev.mooring.backup.Compression;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Writes one backup file: compressed segment by segment, optionally encrypted, then published atomically.
 *
 * <p>Contract: bytes stream to the target as they are written — to {@code <file>.partial} (owner-only) for a file,
 * or into a {@link BackupStore}'s object, which bounds memory and keeps no local copy. {@link #finish()} flushes
 * and publishes: a file is fsynced and linked to {@code file} without ever replacing an existing one, an object is
 * completed by its store. It returns the size and SHA-256. {@link #close()} without a successful {@code finish()}
 * deletes the partial file (or aborts the object) and every temp file. Call {@code finish()} only when every
 * producer succeeded: a segment closed early by a failing producer looks complete.
 *
 * <p>Segments: the one at the head of the line (every earlier segment closed and drained) streams into the
 * file; the others buffer their compressed bytes ({@link SegmentBuffer}) until the segments before them
 * close. Whichever thread closes a segment drains every closed segment at the head, in order, and switches
 * the next open one to direct writing; threads that find a drain in progress leave their work to it.
 *
 * <p>Thread-safety: segments may be opened, filled and closed from any threads. A failure in any segment
 * fails the whole writer: later writes throw and {@code finish()} reports the first failure.
 */
public final class BackupFileWriter implements SegmentedOutput, AutoCloseable {
    /** How encrypted backups are encrypted, as manifests name it. */
    public static final String ENCRYPTION = "AES-256-GCM/PBKDF2-HMAC-SHA256";

    static final long DEFAULT_SPILL_THRESHOLD = 32L * 1024 * 1024;

    private final WriteTarget target;
    private final Compression compression;
    private final long spillThreshold;
    private final FileSink sink;
    private final ChunkEncryptingOutputStream encryptor;
    private final OutputStream body;
    /** Opened segments not yet fully in the file, in open order. Guarded by itself. */
    private final ArrayDeque<Segment> pending = new ArrayDeque<>();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private final AtomicLong contentBytes = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile boolean finished;
    private int segmentsOpened;

    private BackupFileWriter(WriteTarget target, Compression compression, long spillThreshold, ChunkCipher cipher)
            throws IOException {
        this.target = target;
        this.compression = compression;
        this.spillThreshold = spillThreshold;
        this.sink = new FileSink(target.out());
        this.encryptor = cipher == null ? null : new ChunkEncryptingOutputStream(cipher, sink);
        this.body = encryptor == null ? sink : encryptor;
    }

    /**
     * Starts writing {@code file}. With a passphrase the file is encrypted (the slow key derivation runs here,
     * before any file is created). The caller keeps and clears its passphrase array.
     *
     * @throws MooringException {@code IO} if {@code file} or its partial file exists or cannot be created;
     *                          {@code BACKUP_PASSPHRASE} if the passphrase is empty
     */
    public static BackupFileWriter create(Path file, Compression compression, char[] passphraseOrNull) {
        return create(file, compression, passphraseOrNull, EncryptionHeader.DEFAULT_ITERATIONS, DEFAULT_SPILL_THRESHOLD);
    }

    /** As {@link #create(Path, Compression, char[])} with a chosen KDF cost and memory limit per segment (tests). */
    static BackupFileWriter create(Path file, Compression compression, char[] passphraseOrNull, int kdfIterations,
                                   long spillThreshold) {
        Objects.requireNonNull(file, "file");
        Path target = file.toAbsolutePath();
        return create(() -> WriteTarget.partialFile(target), compression, passphraseOrNull, kdfIterations, spillThreshold);
    }

    /**
     * Starts writing the object {@code name} of {@code store}, as {@link #create(Path, Compression, char[])} does a
     * file.
     *
     * @throws MooringException {@code IO} if the object exists or cannot be created; {@code BACKUP_PASSPHRASE} if
     *                          the passphrase is empty
     */
    public static BackupFileWriter create(BackupStore store, String name, Compression compression,
                                          char[] passphraseOrNull) {
        return create(store, name, compression, passphraseOrNull, EncryptionHeader.DEFAULT_ITERATIONS,
                DEFAULT_SPILL_THRESHOLD);
    }

    /** As {@link #create(BackupStore, String, Compression, char[])} with a chosen KDF cost and memory limit (tests). */
    static BackupFileWriter create(BackupStore store, String name, Compression compression, char[] passphraseOrNull,
                                   int kdfIterations, long spillThreshold) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(name, "name");
        return create(() -> WriteTarget.storeObject(store, name), compression, passphraseOrNull, kdfIterations,
                spillThreshold);
    }

    private static BackupFileWriter create(Supplier<WriteTarget> opener, Compression compression,
                                           char[] passphraseOrNull, int kdfIterations, long spillThreshold) {
        Objects.requireNonNull(compression, "compression");
        if (passphraseOrNull != null && passphraseOrNull.length == 0) {
            throw new MooringException(ErrorCode.BACKUP_PASSPHRASE, "the backup passphrase is empty: set MOORING_BACKUP_PASSPHRASE");
        }
        ChunkCipher cipher = passphraseOrNull == null ? null
                : ChunkCipher.forWriting(passphraseOrNull, compression, kdfIterations, EncryptionHeader.DEFAULT_CHUNK_SIZE);
        WriteTarget target = opener.get();
        try {
            return new BackupFileWriter(target, compression, spillThreshold, cipher);
        } catch (IOException | RuntimeException e) {
            target.discard();
            throw new MooringException(ErrorCode.IO, "could not write " + target.description() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OutputStream openSegment() throws IOException {
        return openSegment(1);
    }

    /**
     * The whole content as one segment, for producers that write a single stream (SQLite backups): zstd compresses
     * it on every core, since nothing else runs in parallel.
     */
    public OutputStream openStream() throws IOException {
        return openSegment(Runtime.getRuntime().availableProcessors());
    }

    private OutputStream openSegment(int compressorThreads) throws IOException {
        checkWritable();
        Segment segment;
        synchronized (pending) {
            if (closed) {
                throw new IOException("backup writer for " + target.description() + " is closed");
            }
            int index = segmentsOpened++;
            // at the head of the line only when every earlier segment is already in the file
            SegmentBuffer buffer = pending.isEmpty() ? null
                    : new SegmentBuffer(target.spillDirectory(), target.name() + "." + index + ".", spillThreshold);
            segment = new Segment(this, index, buffer);
            pending.addLast(segment);
        }
        try {
            return new SegmentStream(this, segment, compression, compressorThreads);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /**
     * Completes the file: every segment must be closed. Seals the last encrypted chunk, fsyncs, and moves the
     * partial file to the target atomically, refusing to replace a file that appeared meanwhile.
     *
     * @throws MooringException if any segment failed, or the file cannot be completed
     * @throws IllegalStateException if a segment is still open or finish was called before
     */
    public WrittenFile finish() {
        if (finished || closed) {
            throw new IllegalStateException("backup writer for " + target.description() + " is already finished or closed");
        }
        try {
            writeEmptySegmentIfNone();
            drainAll();
            rethrowFailure();
            if (encryptor != null) {
                encryptor.finish();
            }
            target.publish();
            finished = true;
            return new WrittenFile(target.path(), sink.bytes(), contentBytes.get(), sink.sha256Hex());
        } catch (IOException e) {
            fail(e);
            throw new MooringException(ErrorCode.IO, "could not write backup file " + target.description() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /** Without a successful {@link #finish()}: discards every segment, deletes temp files and the partial file. */
    @Override
    public void close() {
        List<Segment> segments;
        synchronized (pending) {
            if (finished || closed) {
                return;
            }
            closed = true;
            segments = new ArrayList<>(pending);
            pending.clear();
        }
        for (Segment segment : segments) {
            segment.discard();
        }
        target.discard();
    }

    // ---- called by segments ----

    OutputStream body() {
        return body;
    }

    void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("backup writer for " + target.description() + " is closed");
        }
        if (failure != null) {
            throw new IOException("backup writer for " + target.description() + " failed: " + failure.getMessage(), failure);
        }
    }

    /**
     * Marks the writer failed: later writes throw and {@link #finish()} reports {@code cause}. A producer whose
     * work failed calls this before closing its segment, which would otherwise look complete.
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        synchronized (pending) {
            if (failure == null) {
                failure = cause;
            }
        }
    }

    void addContentBytes(long bytes) {
        contentBytes.addAndGet(bytes);
    }

    /**
     * Drains after a segment closed. If another thread is draining, it is told to look again rather than
     * waited for: the flag is re-checked after every unlock, so no closed segment is left behind.
     */
    void segmentClosed() throws IOException {
        drainRequested.set(true);
        while (drainRequested.get() && drainLock.tryLock()) {
            try {
                drainRequested.set(false);
                drainHead();
            } finally {
                drainLock.unlock();
            }
        }
    }

    // ---- internals ----

    /** Holds the drain lock. Moves closed head segments into the file; stops at an open one (now direct). */
    private void drainHead() throws IOException {
        while (failure == null && !closed) {
            Segment head;
            synchronized (pending) {
                head = pending.peekFirst();
            }
            try {
                if (head == null || !head.drainInto(body)) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
            synchronized (pending) {
                pending.removeFirst();
            }
        }
    }

    private void drainAll() throws IOException {
        drainLock.lock();
        try {
            drainHead();
        } finally {
            drainLock.unlock();
        }
        rethrowFailure();
        synchronized (pending) {
            if (!pending.isEmpty()) {
                throw new IllegalStateException("finish() called while segment " + pending.peekFirst().index() + " is open");
            }
        }
    }

    /** A compressed file with no segment would be empty, which gunzip and zstd -d reject. */
    private void writeEmptySegmentIfNone() throws IOException {
        boolean none;
        synchronized (pending) {
            none = segmentsOpened == 0;
        }
        if (none && compression != Compression.NONE) {
            openSegment().close();
        }
    }

    private void rethrowFailure() {
        Throwable cause = failure;
        if (cause == null) {
            return;
        }
        ErrorCode code = cause instanceof MooringException m ? m.code() : ErrorCode.IO;
        throw new MooringException(code, "backup file " + target.description() + " was not written: " + cause.getMessage(), cause);
    }
}
