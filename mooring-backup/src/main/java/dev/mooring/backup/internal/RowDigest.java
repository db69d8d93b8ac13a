package dev.mooring.backup.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A content checksum of a table that does not depend on row order: each row's bytes are hashed to 128 bits
 * and the hashes are summed. Restoring a table may change the physical order of its rows, never the sum.
 *
 * <p>It detects a restore that lost, duplicated or changed rows; it is not a defence against tampering (the
 * backup file's SHA-256 is). The per-row hash is a fast multiply-xorshift mix, so checksumming a dump costs
 * little next to reading it. Not thread-safe: one instance per table and thread; {@link #merge} combines.
 */
public final class RowDigest {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xC2B2AE3D27D4EB4FL;
    private static final long K3 = 0x165667B19E3779F9L;

    private long rows;
    private long sumA;
    private long sumB;

    /** Adds one row, given as its canonical bytes. */
    public void add(byte[] bytes, int offset, int length) {
        long a = 0x243F6A8885A308D3L ^ length;
        long b = 0x13198A2E03707344L ^ ((long) length * K3);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(bytes, i);
            a = Long.rotateLeft(a ^ mix(w), 27) * K1 + 0x52DCE729;
            b = Long.rotateLeft(b ^ mix(w ^ K2), 31) * K2 + 0x38495AB5;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (bytes[i] & 0xFFL) << shift;
        }
        a = finish(a ^ mix(tail));
        b = finish(b ^ mix(tail ^ K1));
        rows++;
        sumA += a;
        sumB += b;
    }

    /** Adds one row. */
    public void add(byte[] bytes) {
        add(bytes, 0, bytes.length);
    }

    /** Adds the rows another digest has seen. */
    public void merge(RowDigest other) {
        rows += other.rows;
        sumA += other.sumA;
        sumB += other.sumB;
    }

    /** How many rows were added. */
    public long rows() {
        return rows;
    }

    /** The checksum as 32 hex digits. */
    public String value() {
        return String.format("%016x%016x", sumA, sumB);
    }

    private static long mix(long w) {
        return Long.rotateLeft(w * K2, 31) * K1;
    }

    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
