package dev.mooring.backup.internal.file;

import dev.mooring.backup.Compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/** Shared fixtures: dump-like content and one-call writes with a cheap KDF. */
final class TestBackups {
    static final int FAST_ITERATIONS = 1_000;
    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    private TestBackups() {
    }

    /** COPY-like rows: repetitive enough to compress, varied enough not to vanish. */
    static byte[] dumpLike(int bytes, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(bytes + 200);
        long id = 0;
        while (text.length() < bytes) {
            text.append(id++).append('\t').append("user-").append(random.nextInt(100_000)).append("@example.org\t")
                    .append(random.nextInt(1_000_000) / 100.0).append('\t').append(random.nextBoolean() ? 't' : 'f')
                    .append("\t2026-0").append(1 + random.nextInt(9)).append("-1").append(random.nextInt(10)).append('\n');
        }
        text.setLength(bytes);
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static WrittenFile write(Path file, Compression compression, char[] passphrase, byte[] content) throws IOException {
        try (BackupFileWriter writer = BackupFileWriter.create(file, compression, passphrase, FAST_ITERATIONS,
                BackupFileWriter.DEFAULT_SPILL_THRESHOLD)) {
            try (OutputStream out = writer.openStream()) {
                out.write(content);
            }
            return writer.finish();
        }
    }

    static byte[] read(Path file, char[] passphrase) throws IOException {
        try (InputStream in = BackupFileReader.open(file, () -> passphrase == null ? null : passphrase.clone())) {
            return readAll(in);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
