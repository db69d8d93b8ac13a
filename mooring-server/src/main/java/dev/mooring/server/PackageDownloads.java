package dev.mooring.server;

import dev.mooring.server.internal.ByteRange;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Sends a package file over HTTP, resumable: {@code Accept-Ranges: bytes}, the file's SHA-256 as its entity tag, a
 * single {@code Range} answered with 206 and {@code Content-Range}, a range beyond the end with 416, and
 * {@code If-Range} honoured (a tag that no longer matches gets the whole file with 200). Never compressed: byte
 * offsets must be those of the file. Stateless.
 */
final class PackageDownloads {
    private PackageDownloads() {
    }

    /** Sends the file or the range asked for; {@code false}, with nothing sent, when the range is beyond the end. */
    static boolean send(Context ctx, Packages.Download download) throws IOException {
        long size = download.info().size();
        String tag = "\"" + download.info().sha256() + "\"";
        ctx.disableCompression();
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("ETag", tag);
        String ifRange = ctx.header("If-Range");
        Optional<ByteRange.Result> asked = ifRange == null || ifRange.strip().equals(tag)
                ? ByteRange.parse(ctx.header("Range"), size) : Optional.empty();
        if (asked.isPresent() && !asked.get().satisfiable()) {
            ctx.header("Content-Range", "bytes */" + size);
            return false;
        }
        ByteRange range = asked.map(ByteRange.Result::range).orElse(new ByteRange(0, size - 1));
        if (asked.isPresent()) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        } else {
            ctx.status(200);
        }
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Disposition", "attachment; filename=\"" + download.info().type() + "-"
                + download.info().version() + ".mpkg\"");
        ctx.res().setContentLengthLong(size == 0 ? 0 : range.length());
        try (FileChannel file = FileChannel.open(download.file(), StandardOpenOption.READ);
             OutputStream out = ctx.res().getOutputStream()) {
            long sent = 0;
            while (sent < range.length()) {
                long n = file.transferTo(range.first() + sent, range.length() - sent, Channels.newChannel(out));
                if (n <= 0) {
                    break; // the file shrank under us; the client's digest check will tell
                }
                sent += n;
            }
        }
        return true;
    }
}
