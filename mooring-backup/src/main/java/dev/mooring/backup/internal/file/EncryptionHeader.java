package dev.mooring.backup.internal.file;

import dev.mooring.backup.Compression;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The 64-byte header of an encrypted backup file (format version 1), and the rules that check it.
 *
 * <pre>
 * offset size field
 *  0      8   magic "MOORENC1"
 *  8      1   format version (1)
 *  9      1   compression of the content: 0 none, 1 gzip, 2 zstd
 * 10      1   KDF id: 1 = PBKDF2-HMAC-SHA256
 * 11      4   KDF iterations, unsigned big-endian
 * 15     16   KDF salt (random)
 * 31      1   cipher id: 1 = AES-256-GCM with 16-byte tags
 * 32      4   plaintext bytes per chunk, big-endian
 * 36      4   nonce prefix (random)
 * 40     16   key check: HMAC-SHA256(check key, bytes 0..40), first 16 bytes
 * 56      8   header checksum: SHA-256(bytes 0..56), first 8 bytes
 * </pre>
 *
 * <p>The unkeyed checksum tells accidental damage to the header apart from a wrong passphrase: without it,
 * a flipped salt bit would look exactly like a wrong passphrase. A deliberate edit that also fixes the
 * checksum still fails the keyed check, so the file fails closed either way. Immutable and thread-safe.
 */
final class EncryptionHeader {
    static final int LENGTH = 64;
    static final int MAGIC_LENGTH = 8;
    static final int SALT_LENGTH = 16;
    static final int NONCE_PREFIX_LENGTH = 4;
    static final int KEY_CHECK_OFFSET = 40;
    static final int KEY_CHECK_LENGTH = 16;
    static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    static final int DEFAULT_ITERATIONS = 600_000;
    /** Bounds a reader accepts, so a damaged header cannot make it allocate or spin without end. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    private static final int MIN_CHUNK_SIZE = 1024;
    private static final int CHECKSUM_OFFSET = 56;
    private static final byte[] MAGIC = "MOORENC1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int KDF_PBKDF2_SHA256 = 1;
    private static final int CIPHER_AES_256_GCM = 1;

    private final byte[] bytes;
    private final Compression compression;
    private final int iterations;
    private final int chunkSize;

    private EncryptionHeader(byte[] bytes, Compression compression, int iterations, int chunkSize) {
        this.bytes = bytes;
        this.compression = compression;
        this.iterations = iterations;
        this.chunkSize = chunkSize;
    }

    /** The first 40 bytes of a new header; {@link #seal} adds the key check and checksum. */
    static byte[] unsealed(Compression compression, int iterations, byte[] salt, int chunkSize, byte[] noncePrefix) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(MAGIC).put((byte) VERSION).put((byte) compressionId(compression)).put((byte) KDF_PBKDF2_SHA256)
                .putInt(iterations).put(salt).put((byte) CIPHER_AES_256_GCM).putInt(chunkSize).put(noncePrefix);
        return b.array();
    }

    /** Completes a header started by {@link #unsealed} with its key check. */
    static EncryptionHeader seal(byte[] unsealed, byte[] keyCheck, Compression compression, int iterations, int chunkSize) {
        System.arraycopy(keyCheck, 0, unsealed, KEY_CHECK_OFFSET, KEY_CHECK_LENGTH);
        System.arraycopy(checksum(unsealed), 0, unsealed, CHECKSUM_OFFSET, LENGTH - CHECKSUM_OFFSET);
        return new EncryptionHeader(unsealed, compression, iterations, chunkSize);
    }

    /** Whether the first bytes of a file are the encryption magic. */
    static boolean hasMagic(byte[] head, int length) {
        return length >= MAGIC_LENGTH && Arrays.equals(head, 0, MAGIC_LENGTH, MAGIC, 0, MAGIC_LENGTH);
    }

    /**
     * Whether the first bytes are close to the magic without being it: a damaged encrypted file. Without this
     * a flipped magic bit would hand the ciphertext to the caller as plain content.
     */
    static boolean hasDamagedMagic(byte[] head, int length) {
        if (length == 0 || hasMagic(head, length)) {
            return false;
        }
        int n = Math.min(length, MAGIC_LENGTH);
        int differentBits = 0;
        for (int i = 0; i < n; i++) {
            differentBits += Integer.bitCount((head[i] ^ MAGIC[i]) & 0xFF);
        }
        // a file cut inside the magic, or up to 3 flipped bits; real SQL or SQLite files are far from it
        return n < MAGIC_LENGTH ? differentBits == 0 : differentBits <= 3;
    }

    /** As {@link #parse(byte[], int, String)}, for a header read from {@code file}. */
    static EncryptionHeader parse(byte[] head, int length, Path file) {
        return parse(head, length, file.toString());
    }

    /**
     * Parses and checks a header read from the backup {@code file} (a path or an object's URL, for messages); the
     * magic has been checked by the caller.
     */
    static EncryptionHeader parse(byte[] head, int length, String file) {
        if (length < LENGTH) {
            throw corrupt(file, "the encryption header is truncated");
        }
        if (head[MAGIC_LENGTH] != VERSION) {
            throw corrupt(file, "unsupported encrypted format version " + (head[MAGIC_LENGTH] & 0xFF)
                    + ": the file was written by a newer Mooring, or its header is damaged");
        }
        byte[] bytes = Arrays.copyOf(head, LENGTH);
        if (!MessageDigest.isEqual(Arrays.copyOf(checksum(bytes), LENGTH - CHECKSUM_OFFSET),
                Arrays.copyOfRange(bytes, CHECKSUM_OFFSET, LENGTH))) {
            throw corrupt(file, "the encryption header is damaged (header checksum mismatch)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Compression compression = compression(b.get(9), file);
        int iterations = b.getInt(11);
        int chunkSize = b.getInt(32);
        if (b.get(10) != KDF_PBKDF2_SHA256 || b.get(31) != CIPHER_AES_256_GCM || iterations < 1
                || iterations > MAX_ITERATIONS || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw corrupt(file, "the encryption header names an unsupported key derivation, cipher or chunk size");
        }
        return new EncryptionHeader(bytes, compression, iterations, chunkSize);
    }

    Compression compression() {
        return compression;
    }

    int iterations() {
        return iterations;
    }

    int chunkSize() {
        return chunkSize;
    }

    byte[] salt() {
        return Arrays.copyOfRange(bytes, 15, 15 + SALT_LENGTH);
    }

    byte[] noncePrefix() {
        return Arrays.copyOfRange(bytes, 36, 36 + NONCE_PREFIX_LENGTH);
    }

    byte[] keyCheck() {
        return Arrays.copyOfRange(bytes, KEY_CHECK_OFFSET, KEY_CHECK_OFFSET + KEY_CHECK_LENGTH);
    }

    /** A copy of all 64 bytes: the file's header and the associated data of every chunk. */
    byte[] bytes() {
        return bytes.clone();
    }

    private static int compressionId(Compression compression) {
        switch (compression) {
            case NONE: return 0;
            case GZIP: return 1;
            case ZSTD: return 2;
            default: throw new IllegalArgumentException("compression " + compression);
        }
    }

    private static Compression compression(byte id, String file) {
        for (Compression c : Compression.values()) {
            if (compressionId(c) == id) {
                return c;
            }
        }
        throw corrupt(file, "the encryption header names unknown compression " + id);
    }

    private static byte[] checksum(byte[] header) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header, 0, CHECKSUM_OFFSET);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static MooringException corrupt(String file, String problem) {
        return new MooringException(ErrorCode.BACKUP_CORRUPT, "backup file " + file + " is corrupt: " + problem);
    }
}
