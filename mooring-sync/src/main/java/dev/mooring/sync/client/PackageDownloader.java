package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.AvailablePackage;
import dev.mooring.sync.PackageDigest;
import dev.mooring.sync.PackageOrder;
import dev.mooring.sync.spi.TransportException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads data packages from a Mooring sync server, over an {@link HttpTransport} (its server URL and token):
 * {@code GET /v1/packages} lists what the token's user may download, {@code GET /v1/packages/{id}} fetches one,
 * {@code POST /v1/packages} orders one ({@link #order}).
 * A download goes to {@code <target>.part} first; an interrupted one is resumed from where it stopped with an HTTP
 * {@code Range} request (with {@code If-Range}, so a file that changed on the server is fetched whole again), and
 * the file is moved to {@code target} only once its size and SHA-256 match the listing. A transfer that stalls for
 * the transport's request time-out is cut off; the part stays for the next attempt. Thread-safe; closing the
 * transport ends it.
 *
 * <pre>{@code
 * PackageDownloader server = PackageDownloader.over(transport);
 * AvailablePackage maps = server.list().get(0);
 * ImportResult imported = client.downloadPackage(server, maps.id());     // download, verify, import
 * }</pre>
 */
public final class PackageDownloader {
    private static final String LIST = "GET /v1/packages";

    /**
     * A finished download.
     *
     * @param info        the package as the server listed it
     * @param file        where it is
     * @param resumedFrom how many bytes an earlier, interrupted download had fetched already (0: a fresh download)
     */
    public record Downloaded(AvailablePackage info, Path file, long resumedFrom) {
    }

    private final HttpTransport transport;

    private PackageDownloader(HttpTransport transport) {
        this.transport = transport;
    }

    /** Downloads from the server {@code transport} talks to, with its token. */
    public static PackageDownloader over(HttpTransport transport) {
        return new PackageDownloader(Objects.requireNonNull(transport, "transport"));
    }

    /** The packages this token's user may download, newest first. */
    public List<AvailablePackage> list() {
        return transport.call(LIST, transport.request("/v1/packages").GET().build(), AvailablePackage.Listing.class)
                .packages();
    }

    /**
     * Asks the server for a package of this token's user's rows of {@code order.tables()} (or a shared one): cut now,
     * or the last one again when nothing it holds has changed. Returns it as the listing shows it, ready to download.
     *
     * @throws MooringException {@code USAGE} when the server cuts no packages on request, or refuses the order (a
     *                          table that is not synced, an owned table in a shared package)
     */
    public AvailablePackage order(PackageOrder order) {
        Objects.requireNonNull(order, "order");
        return transport.call("POST /v1/packages", transport.post("/v1/packages", order), AvailablePackage.class);
    }

    /**
     * Downloads package {@code id} to {@code target} (replacing a file there), resuming {@code target.part} when an
     * earlier attempt left one.
     *
     * @throws MooringException {@code USAGE} when the token's user has no such package; {@code PACKAGE_CORRUPT} when
     *                          the file received does not match the listing (it is deleted: download again);
     *                          {@code SYNC_UNAVAILABLE} when the transfer failed (the part is kept for a resume)
     */
    public Downloaded download(String id, Path target) {
        Objects.requireNonNull(id, "id");
        AvailablePackage info = list().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() ->
                new MooringException(ErrorCode.USAGE, "The sync server at " + transport.serverUrl() + " has no package "
                        + id + " for this token's user; " + LIST + " lists the ones there are."));
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > info.size()) {
                Files.delete(part);
                have = 0;
            }
            long resumedFrom = fetch(info, part, have);
            if (Files.size(part) < info.size()) {
                throw new TransportException(ErrorCode.SYNC_UNAVAILABLE, "The download of package " + id + " from "
                        + transport.serverUrl() + " ended after " + Files.size(part) + " of " + info.size() + " bytes;"
                        + " what arrived is kept in " + part + " and the next download resumes from there.", 0, true,
                        null);
            }
            if (Files.size(part) != info.size() || !PackageDigest.file(part).equals(info.sha256())) {
                Files.delete(part);
                throw new MooringException(ErrorCode.PACKAGE_CORRUPT, "The package " + id + " downloaded from "
                        + transport.serverUrl() + " does not match its size and SHA-256 (" + info.sha256() + "); it"
                        + " was deleted, download it again.");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Downloaded(info, target, resumedFrom);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the download to " + part + ": " + e.getMessage(),
                    e);
        }
    }

    /** Fetches what {@code part} lacks; returns the offset it resumed from (0 when it started over). */
    private long fetch(AvailablePackage info, Path part, long have) throws IOException {
        String route = "GET /v1/packages/" + info.id();
        HttpRequest.Builder request = transport.request("/v1/packages/" + HttpTransport.encode(info.id()))
                .header("Accept", "application/octet-stream").header("Accept-Encoding", "identity");
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-").header("If-Range", "\"" + info.sha256() + "\"");
        }
        if (transport.closed()) {
            throw transport.failures().closed(route);
        }
        HttpResponse<InputStream> response;
        try {
            response = transport.client().send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw transport.failures().unreachable(route, e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw transport.failures().interrupted(route, e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416 && have == info.size()) {
                return have; // the part was complete already: the digest check decides
            }
            boolean resumed = status == 206 && response.headers().firstValue("Content-Range")
                    .map(r -> r.startsWith("bytes " + have + "-")).orElse(false);
            if (status != 200 && !resumed) {
                throw transport.failures().refused(route, status, transport.serverMessage(response, body), null);
            }
            copy(route, body, part, resumed);
            return resumed ? have : 0;
        }
    }

    /** Writes the body into the part (appending when resumed), cutting the transfer off when it stalls. */
    private void copy(String route, InputStream body, Path part, boolean append) throws IOException {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long limit = transport.requestTimeout().toNanos();
        ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-package-download-guard");
            t.setDaemon(true);
            return t;
        });
        guard.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastProgress.get() > limit && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException e) {
                    // the copy loop sees the stream end either way
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                lastProgress.set(System.nanoTime());
            }
            if (stalled.get()) {
                throw new IOException("the transfer stalled");
            }
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw transport.failures().interrupted(route, e);
            }
            TransportException failure = transport.failures().unreachable(route, e, stalled.get());
            throw new TransportException(failure.code(), failure.getMessage() + " What arrived is kept in " + part
                    + " and the next download resumes from there.", 0, true, e);
        } finally {
            guard.shutdownNow();
        }
    }
}
