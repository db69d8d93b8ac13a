package dev.mooring.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The peer exchange file ({@code mooring peer export > changes.bin}), also the body of the peer endpoint's
 * messages: one {@link PeerChanges} with a digest over every byte of it. Layout:
 *
 * <pre>
 * MOORING-PEER 1\n                      the format line
 * &lt;length&gt; &lt;sha256&gt;\n                  of the body, in bytes; lower-case hex
 * &lt;body&gt;                                 JSON, UTF-8 ({@link PeerChanges})
 * </pre>
 *
 * Nothing of a file is trusted before all of it was read and matched its digest: a truncated file, a changed byte or
 * bytes after the body make {@link #read} fail with {@code PEER_EXCHANGE_CORRUPT}. Stateless.
 */
public final class PeerExchangeFile {
    private static final String FORMAT_LINE = "MOORING-PEER 1";
    /** What one exchange may hold: far more than a device's unsynced changes, little enough to read into memory. */
    public static final int MAX_BODY_BYTES = 256 * 1024 * 1024;
    private static final ObjectMapper JSON = SyncJson.mapper();

    private PeerExchangeFile() {
    }

    /** Writes {@code changes} in the file's layout. */
    public static void write(PeerChanges changes, OutputStream out) throws IOException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(changes);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write peer changes as JSON: " + e.getMessage(), e);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new MooringException(ErrorCode.USAGE, "The changes to send come to " + body.length + " bytes, more"
                    + " than the " + MAX_BODY_BYTES + " one exchange may hold; export with --since, or sync with the"
                    + " server first.");
        }
        out.write((FORMAT_LINE + "\n" + body.length + " " + digest(body) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /**
     * Reads and checks the exchange file {@code file}.
     *
     * @throws MooringException {@code PEER_EXCHANGE_CORRUPT} naming what is wrong; {@code IO} when it does not exist
     *                          or cannot be read
     */
    public static PeerChanges read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new MooringException(ErrorCode.IO, "There is no exchange file at " + file + ".", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a whole exchange from {@code in} and checks it; {@code source} names it in messages (a file name, a
     * peer's address).
     *
     * @throws MooringException {@code PEER_EXCHANGE_CORRUPT} naming what is wrong; {@code IO} when reading fails
     */
    public static PeerChanges read(InputStream in, String source) {
        try {
            String format = line(in, FORMAT_LINE.length() + 1);
            if (format == null) {
                throw corrupt(source, "it ends before its header does (truncated or empty)");
            }
            if (!FORMAT_LINE.equals(format)) {
                throw corrupt(source, "it does not start with '" + FORMAT_LINE + "': it is not a Mooring peer exchange,"
                        + " or one of a newer format");
            }
            String header = line(in, 100);
            if (header == null) {
                throw corrupt(source, "it ends inside its header (truncated)");
            }
            String[] parts = header.split(" ", -1);
            long length = -1;
            try {
                length = parts.length == 2 && parts[1].matches("[0-9a-f]{64}") ? Long.parseLong(parts[0]) : -1;
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 2 || length > MAX_BODY_BYTES) {
                throw corrupt(source, "its header is damaged");
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw corrupt(source, "its body is " + body.length + " bytes where the header says " + length
                        + " (truncated)");
            }
            if (in.read() != -1) {
                throw corrupt(source, "it goes on after the " + length + " bytes its header announces");
            }
            if (!digest(body).equals(parts[1])) {
                throw corrupt(source, "its body does not match the SHA-256 in its header (changed or damaged)");
            }
            try {
                return JSON.readValue(body, PeerChanges.class);
            } catch (IOException | IllegalArgumentException e) {
                throw corrupt(source, "its body matches its digest but is not peer changes this version reads ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read the peer exchange " + source + ": "
                    + e.getMessage(), e);
        }
    }

    /** A line of at most {@code max} bytes without its {@code \n}; {@code null} when the input ends first. */
    private static String line(InputStream in, int max) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                return bytes.toString(StandardCharsets.US_ASCII);
            }
            if (bytes.size() == max) {
                return bytes.toString(StandardCharsets.US_ASCII) + "…";
            }
            bytes.write(b);
        }
        return null;
    }

    private static String digest(byte[] body) {
        MessageDigest digest = PackageDigest.sha256();
        digest.update(body);
        return PackageDigest.hex(digest);
    }

    private static MooringException corrupt(String source, String problem) {
        return new MooringException(ErrorCode.PEER_EXCHANGE_CORRUPT, "The peer exchange " + source + " cannot be"
                + " used: " + problem + ". Nothing was imported; export it again.");
    }
}
