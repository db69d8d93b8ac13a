package dev.mooring.backup.internal.file;

import dev.mooring.backup.Compression;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over the chunks of one encrypted backup file.
 *
 * <p>Keys: {@code master = PBKDF2-HMAC-SHA256(passphrase as UTF-8, salt, iterations, 32 bytes)}, then
 * {@code aesKey = HMAC-SHA256(master, "mooring/v1/aes-256-gcm")} and
 * {@code checkKey = HMAC-SHA256(master, "mooring/v1/key-check")}. Expanding one PBKDF2 block with HMAC costs
 * the defender no second run of the slow KDF, which an attacker would not pay either.
 *
 * <p>Chunk {@code i} is sealed with nonce {@code prefix(4) || i as 7-byte big-endian || final flag (1 or 0)}
 * and the whole header as associated data, so a chunk moved to another position, another file, or made the
 * last one by truncation fails authentication. Not thread-safe: one instance per stream.
 */
final class ChunkCipher {
    static final int TAG_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;
    private static final long MAX_CHUNKS = 1L << 56;

    private final EncryptionHeader header;
    private final byte[] aad;
    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];

    private ChunkCipher(EncryptionHeader header, byte[] aesKey) {
        this.header = header;
        this.aad = header.bytes();
        this.key = new SecretKeySpec(aesKey, "AES");
        Arrays.fill(aesKey, (byte) 0);
        System.arraycopy(header.noncePrefix(), 0, nonce, 0, EncryptionHeader.NONCE_PREFIX_LENGTH);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES/GCM/NoPadding", e);
        }
    }

    /** A cipher for a new file, with a fresh salt and nonce prefix. Runs the slow KDF. */
    static ChunkCipher forWriting(char[] passphrase, Compression compression, int iterations, int chunkSize) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[EncryptionHeader.SALT_LENGTH];
        byte[] prefix = new byte[EncryptionHeader.NONCE_PREFIX_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(prefix);
        byte[] unsealed = EncryptionHeader.unsealed(compression, iterations, salt, chunkSize, prefix);
        byte[][] keys = deriveKeys(passphrase, salt, iterations);
        try {
            byte[] check = keyCheck(keys[1], unsealed);
            return new ChunkCipher(EncryptionHeader.seal(unsealed, check, compression, iterations, chunkSize), keys[0]);
        } finally {
            Arrays.fill(keys[1], (byte) 0);
        }
    }

    /** A cipher for reading a file with this header; a wrong passphrase fails here, before any chunk. */
    static ChunkCipher forReading(EncryptionHeader header, char[] passphrase, String file) {
        byte[][] keys = deriveKeys(passphrase, header.salt(), header.iterations());
        try {
            byte[] expected = keyCheck(keys[1], header.bytes());
            if (!MessageDigest.isEqual(expected, header.keyCheck())) {
                Arrays.fill(keys[0], (byte) 0);
                throw new MooringException(ErrorCode.BACKUP_PASSPHRASE, "wrong passphrase for encrypted backup file "
                        + file + ": check MOORING_BACKUP_PASSPHRASE");
            }
            return new ChunkCipher(header, keys[0]);
        } finally {
            Arrays.fill(keys[1], (byte) 0);
        }
    }

    EncryptionHeader header() {
        return header;
    }

    /** Encrypts {@code length} bytes as chunk {@code index} into {@code out}; returns length + 16. */
    int seal(long index, boolean last, byte[] in, int offset, int length, byte[] out) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, offset, length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Decrypts chunk {@code index} (ciphertext and tag) into {@code out}; returns the plaintext length. */
    int open(long index, boolean last, byte[] in, int length, byte[] out) throws AEADBadTagException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(index, last));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, 0, length, out, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /** Whether chunk {@code index} authenticates with the given final flag; used only to explain a failure. */
    boolean opens(long index, boolean last, byte[] in, int length, byte[] scratch) {
        try {
            open(index, last, in, length, scratch);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        }
    }

    private GCMParameterSpec nonce(long index, boolean last) {
        if (index < 0 || index >= MAX_CHUNKS) {
            throw new IllegalStateException("chunk counter exhausted");
        }
        for (int i = 0; i < 7; i++) {
            nonce[4 + i] = (byte) (index >>> (8 * (6 - i)));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }

    private static byte[][] deriveKeys(char[] passphrase, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        byte[] master = null;
        try {
            master = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return new byte[][] {hmac(master, label("mooring/v1/aes-256-gcm")), hmac(master, label("mooring/v1/key-check"))};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 failed", e);
        } finally {
            spec.clearPassword();
            if (master != null) {
                Arrays.fill(master, (byte) 0);
            }
        }
    }

    private static byte[] keyCheck(byte[] checkKey, byte[] header) {
        byte[] prefix = Arrays.copyOf(header, EncryptionHeader.KEY_CHECK_OFFSET);
        return Arrays.copyOf(hmac(checkKey, prefix), EncryptionHeader.KEY_CHECK_LENGTH);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static byte[] label(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
