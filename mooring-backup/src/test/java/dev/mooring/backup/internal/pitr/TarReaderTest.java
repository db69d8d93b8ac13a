package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A base backup's archive is read as hostile: entries that could write outside the data directory are refused. */
class TarReaderTest {

    /** A ustar header with a valid checksum. */
    static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
        put(h, 100, String.format("%07o", 0600));
        put(h, 124, String.format("%011o", size));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    static void put(byte[] h, int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }

    static TarReader reader(byte[]... blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : blocks) {
            out.writeBytes(b);
        }
        out.writeBytes(new byte[1024]);
        return new TarReader(new ByteArrayInputStream(out.toByteArray()), "backup.tar");
    }

    static void assertCorrupt(TarReader reader, String message) {
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(MooringException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT)).hasMessageContaining(message);
    }

    @Test
    void aPlainFileIsRead() throws Exception {
        byte[] content = new byte[512];
        content[0] = 'x';
        TarReader.Entry e = reader(header("base/1/PG_VERSION", '0', 1), content).next();
        assertThat(e.path()).isEqualTo("base/1/PG_VERSION");
        assertThat(e.content().readAllBytes()).containsExactly('x');
    }

    @Test
    void pathsThatLeaveTheDataDirectoryAreRefused() {
        assertCorrupt(reader(header("../postgresql.conf", '0', 0)), "unsafe path");
        assertCorrupt(reader(header("/etc/passwd", '0', 0)), "unsafe path");
        assertCorrupt(reader(header("base/./x", '0', 0)), "unsafe path");
    }

    @Test
    void linksAndDevicesAreRefused() {
        assertCorrupt(reader(header("pg_wal", '2', 0)), "type 2");
        assertCorrupt(reader(header("hard", '1', 0)), "type 1");
        assertCorrupt(reader(header("dev", '3', 0)), "type 3");
    }

    @Test
    void aHugeExtendedHeaderIsRefusedBeforeItIsRead() {
        assertCorrupt(reader(header("././@PaxHeader", 'x', 1L << 33)), "extended header of 8589934592 bytes");
    }

    @Test
    void aDamagedHeaderIsRefused() {
        byte[] h = header("base/1/1", '0', 0);
        h[0] ^= 1;
        assertCorrupt(reader(h), "checksum");
    }
}
