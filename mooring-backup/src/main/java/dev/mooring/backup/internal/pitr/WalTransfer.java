package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.Compression;
import dev.mooring.backup.internal.file.BackupFileReader;
import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.backup.internal.file.WrittenFile;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.ObjectExistsException;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Moves one WAL file into or out of a store. An archived file is one object named after the file, holding a
 * {@link WalEnvelope} and the file's bytes, written with {@link BackupFileWriter} (compressed, optionally
 * encrypted). Pushing never replaces an object ({@link BackupStore#createNew(String)}): a push that finds the
 * object compares the envelopes and succeeds only for the same bytes. Fetching writes a temporary file beside the
 * destination and renames it into place once its size and SHA-256 match the envelope. Stateless apart from its
 * store; thread-safe.
 */
public final class WalTransfer {
    private final BackupStore store;
    private final Supplier<char[]> passphrase;

    public WalTransfer(BackupStore store, Supplier<char[]> passphrase) {
        this.store = store;
        this.passphrase = passphrase;
    }

    /** What a push did: the envelope, the stored size, and whether the same file was archived already. */
    public record Pushed(WalEnvelope envelope, long storedBytes, boolean alreadyArchived) {
    }

    /**
     * Archives {@code file} under its own name, compressed with {@code compression}, encrypted if
     * {@code passphraseOrNull} is given.
     */
    public Pushed push(Path file, Compression compression, char[] passphraseOrNull) {
        String name = WalNames.check(file.getFileName().toString(), "archive_command must pass %p");
        WalEnvelope local = envelopeOf(file, name);
        if (store.exists(name)) {
            return alreadyArchived(local);
        }
        BackupFileWriter writer;
        try {
            writer = BackupFileWriter.create(store, name, compression, passphraseOrNull);
        } catch (ObjectExistsException e) {
            return alreadyArchived(local);
        }
        try (writer) {
            try (OutputStream out = writer.openStream(); InputStream in = Files.newInputStream(file)) {
                local.writeTo(out);
                long copied = in.transferTo(out);
                if (copied != local.size()) {
                    throw new MooringException(ErrorCode.IO, file + " changed while it was archived (" + local.size()
                            + " bytes, then " + copied + "): PostgreSQL never changes a file it asks to archive, so"
                            + " check that nothing else writes to pg_wal");
                }
            } catch (IOException e) {
                writer.fail(e);
                throw new MooringException(ErrorCode.IO, "could not archive " + file + ": " + e.getMessage(), e);
            }
            WrittenFile written = writer.finish();
            return new Pushed(local, written.bytes(), false);
        } catch (ObjectExistsException e) {
            // another push of the same name won the race: it was the same file, or the caller must hear otherwise
            return alreadyArchived(local);
        }
    }

    private Pushed alreadyArchived(WalEnvelope local) {
        WalEnvelope stored = storedEnvelope(local.name());
        if (!stored.sameContent(local)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "WAL file " + local.name() + " is already archived in "
                    + store.describe(local.name()) + " with different content (" + stored.size() + " bytes, sha256 "
                    + stored.sha256() + "; this one: " + local.size() + " bytes, sha256 " + local.sha256()
                    + "). Refusing to overwrite it. Two servers may be archiving into the same place: give each its"
                    + " own --dir");
        }
        return new Pushed(local, -1, true);
    }

    /** The envelope of the archived file {@code name}, reading only the start of its object. */
    public WalEnvelope storedEnvelope(String name) {
        String where = store.describe(name);
        try (InputStream in = BackupFileReader.open(store.open(name), where, passphrase)) {
            return WalEnvelope.readFrom(in, where);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores the archived file {@code name} to {@code destination}, replacing it atomically.
     *
     * @return the file's size, or -1 when the archive has no such file (nothing was written)
     */
    public long fetch(String name, Path destination) {
        WalNames.check(name, "restore_command must pass %f %p");
        if (!store.exists(name)) {
            return -1;
        }
        String where = store.describe(name);
        Path target = destination.toAbsolutePath();
        Path temp = null;
        try {
            temp = PrivateFiles.createTemp(target.getParent(), "." + target.getFileName() + ".", ".mooring-fetch");
            WalEnvelope envelope;
            String sha256;
            long copied;
            try (InputStream content = BackupFileReader.open(store.open(name), where, passphrase);
                 FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                envelope = WalEnvelope.readFrom(content, where);
                if (!envelope.name().equals(name)) {
                    throw new MooringException(ErrorCode.BACKUP_CORRUPT, where + " holds WAL file " + envelope.name()
                            + ", not " + name + ": the archive was tampered with or objects were renamed");
                }
                MessageDigest digest = sha256();
                OutputStream out = Channels.newOutputStream(channel);
                copied = new DigestInputStream(content, digest).transferTo(out);
                channel.force(true);
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            if (copied != envelope.size() || !sha256.equals(envelope.sha256())) {
                throw new MooringException(ErrorCode.BACKUP_CORRUPT, where + " is damaged: it restores " + copied
                        + " bytes with sha256 " + sha256 + ", but " + envelope.size() + " bytes with sha256 "
                        + envelope.sha256() + " were archived");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            PrivateFiles.syncDirectory(target.getParent());
            return copied;
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not restore " + where + " to " + target + ": "
                    + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // failure path: a leftover dot-file beside pg_wal's files is harmless
                }
            }
        }
    }

    private static WalEnvelope envelopeOf(Path file, String name) {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            long size = in.transferTo(OutputStream.nullOutputStream());
            return new WalEnvelope(name, size, HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchFileException e) {
            throw new MooringException(ErrorCode.USAGE, "WAL file " + file + " does not exist: archive_command must"
                    + " pass %p, the file's path relative to the data directory, and run in it", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
