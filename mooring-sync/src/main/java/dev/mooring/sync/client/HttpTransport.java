package dev.mooring.sync.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.sync.ErrorResponse;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.SyncJson;
import dev.mooring.sync.client.internal.HttpFailures;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The {@link SyncTransport} for a Mooring sync server over HTTP: the {@code /v1} routes under the server URL (which
 * may have a path prefix, e.g. {@code https://example.com/sync}), with {@link HttpClient}.
 *
 * <pre>{@code
 * try (SyncTransport transport = HttpTransport.create(URI.create("https://sync.example.com"), token)) {
 *     HandshakeResponse hello = transport.handshake(new Handshake("phone-1", "20260210140000", Set.of()));
 *     PullResponse page = transport.pull("phone-1", null, 500);
 * }
 * }</pre>
 *
 * <p>Every call sends {@code Authorization: Bearer <token>} and {@code Accept-Encoding: gzip}; answers are read as
 * they stream in, so a page of 10,000 changes is never held as text. Request bodies of {@value #GZIP_FROM_BYTES}
 * bytes or more are sent gzip-compressed ({@code Content-Encoding: gzip}), which the Mooring server inflates.
 *
 * <p>Every failure is a {@link TransportException} naming the server URL and the route. Retryable, as
 * {@code SYNC_UNAVAILABLE}: no connection, a dropped connection, a time-out, 5xx, 408 and 429. Not retryable:
 * 401 and 403 ({@code AUTHENTICATION}), 410 ({@code CURSOR_EXPIRED}: bootstrap again), 413 and other 4xx
 * ({@code USAGE}), a redirect ({@code CONFIGURATION}: configure the URL redirected to), a 2xx whose body is not the
 * protocol's JSON ({@code INTERNAL}), and an interrupted call ({@code SYNC_UNAVAILABLE}; the thread's interrupt flag
 * stays set).
 *
 * <p>The request time-out bounds a whole call: connecting (at most {@link #CONNECT_TIMEOUT} of it), the server's
 * work and reading the answer. The token appears in no message and no {@link #toString()}; do not turn on the JDK's
 * own header logging ({@code jdk.httpclient.HttpClient.log=headers}) where logs are kept, since it prints every
 * header.
 *
 * <p>Thread-safe: calls may run at the same time from several threads and share the client's connections.
 * {@link #close()} makes later calls fail with {@code USAGE}.
 */
public final class HttpTransport implements SyncTransport {
    /** How long a call may take when no time-out is given. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long connecting to the server may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Request bodies this large or larger are sent gzip-compressed; smaller ones gain nothing from it. */
    public static final int GZIP_FROM_BYTES = 1024;

    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final URI serverUrl;
    private final String base;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpFailures failures;
    private final HttpClient client;
    private final ObjectMapper json = SyncJson.mapper();
    private volatile boolean closed;

    private HttpTransport(URI serverUrl, String token, Duration requestTimeout) {
        this.base = serverUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + serverUrl.getRawAuthority()
                + stripTrailingSlashes(serverUrl.getRawPath());
        this.serverUrl = URI.create(base);
        this.authorization = "Bearer " + token;
        this.requestTimeout = requestTimeout;
        this.failures = new HttpFailures(base, requestTimeout, CONNECT_TIMEOUT);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A transport to {@code serverUrl} with {@code token}, and calls that may take {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public static HttpTransport create(URI serverUrl, String token) {
        return create(serverUrl, token, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * A transport to {@code serverUrl} that authenticates with {@code token}.
     *
     * @param serverUrl      the server's base URL: {@code http} or {@code https}, maybe with a path prefix, without
     *                       credentials, query or fragment
     * @param token          a bearer token from {@code mooring token create}; surrounding white space is ignored
     * @param requestTimeout how long one call may take in all, more than zero
     * @throws MooringException {@code CONFIGURATION} naming the argument that is not valid
     */
    public static HttpTransport create(URI serverUrl, String token, Duration requestTimeout) {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        checkServerUrl(serverUrl);
        String trimmed = token.strip();
        if (trimmed.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The sync token is blank; pass the token that"
                    + " `mooring token create` printed.");
        }
        if (!trimmed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The sync token contains spaces or characters that"
                    + " cannot go in an HTTP header; pass the token exactly as `mooring token create` printed it.");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The request time-out must be more than zero, was "
                    + requestTimeout + ".");
        }
        // so that a message that ever echoes the token (a server's, a proxy's) is masked where it is stored
        Redaction.register(trimmed);
        return new HttpTransport(serverUrl, trimmed, requestTimeout);
    }

    @Override
    public HandshakeResponse handshake(Handshake handshake) {
        Objects.requireNonNull(handshake, "handshake");
        return call("POST /v1/handshake", post("/v1/handshake", handshake),
                HandshakeResponse.class);
    }

    @Override
    public PullResponse pull(String nodeId, String cursor, int limit) {
        Objects.requireNonNull(nodeId, "nodeId");
        String query = "?node=" + encode(nodeId) + (cursor == null ? "" : "&cursor=" + encode(cursor))
                + "&limit=" + limit;
        return call("GET /v1/changes", request("/v1/changes" + query).GET().build(), PullResponse.class);
    }

    @Override
    public PushResponse push(PushRequest request) {
        Objects.requireNonNull(request, "request");
        return call("POST /v1/changes", post("/v1/changes", request), PushResponse.class);
    }

    /**
     * {@code GET /v1/changes/wait}, asynchronously: no thread waits for the answer. The call may take {@code wait}
     * plus the request time-out.
     */
    @Override
    public CompletableFuture<Boolean> awaitChanges(String nodeId, String cursor, Duration wait) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(wait, "wait");
        String route = "GET /v1/changes/wait";
        if (closed) {
            return CompletableFuture.failedFuture(failures.closed(route));
        }
        long seconds = Math.max(1, Math.min(25, (wait.toMillis() + 999) / 1000));
        HttpRequest request = request("/v1/changes/wait?node=" + encode(nodeId)
                + (cursor == null ? "" : "&cursor=" + encode(cursor)) + "&wait=" + seconds)
                .timeout(requestTimeout.plusSeconds(seconds)).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw failures.unreachable(route, cause instanceof Exception e ? e : new IOException(cause),
                        cause instanceof java.net.http.HttpTimeoutException);
            }
            InputStream body = new java.io.ByteArrayInputStream(response.body());
            if (response.statusCode() / 100 != 2) {
                throw failures.refused(route, response.statusCode(), serverMessage(response, body),
                        response.headers().firstValue("Location").orElse(null));
            }
            try {
                return read(route, response, body, dev.mooring.sync.LiveWakeup.class).changes();
            } catch (IOException e) {
                throw failures.unreachable(route, e, false);
            }
        });
    }

    /** The server URL calls go to, without a trailing slash. */
    public URI serverUrl() {
        return serverUrl;
    }

    HttpClient client() {
        return client;
    }

    HttpFailures failures() {
        return failures;
    }

    boolean closed() {
        return closed;
    }

    /** The most one call may take. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Makes later calls fail; on Java 21 and later also closes the HTTP client's connections and threads. */
    @Override
    public void close() {
        closed = true;
        // HttpClient is AutoCloseable from Java 21 on; on 17 its threads end once it is unreachable
        if (client instanceof AutoCloseable) {
            try {
                ((AutoCloseable) client).close();
            } catch (Exception e) {
                // closing is best effort: nothing more can be done with the client either way
            }
        }
    }

    @Override
    public String toString() {
        return "HttpTransport[" + base + "]";
    }

    /** One JSON call: the answer read as {@code type}, every failure a {@link TransportException}. */
    <T> T call(String route, HttpRequest request, Class<T> type) {
        if (closed) {
            throw failures.closed(route);
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw failures.unreachable(route, e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.interrupted(route, e);
        }
        // HttpClient's time-out ends once the headers are in; a server that stalls mid-answer is cut off here
        AtomicBoolean expired = new AtomicBoolean();
        InputStream body = response.body();
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            expired.set(true);
            closeQuietly(body);
        }, CompletableFuture.delayedExecutor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        try (body) {
            int status = response.statusCode();
            if (status / 100 == 2) {
                return read(route, response, body, type);
            }
            throw failures.refused(route, status, serverMessage(response, body),
                    response.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw failures.interrupted(route, e);
            }
            throw failures.unreachable(route, e, expired.get());
        } finally {
            watchdog.cancel(false);
        }
    }

    private <T> T read(String route, HttpResponse<?> response, InputStream body, Class<T> type) throws IOException {
        try (InputStream in = decoded(response, body)) {
            return json.readValue(in, type);
        } catch (JsonProcessingException | ZipException e) {
            throw failures.unreadable(route, response.statusCode(), e);
        }
    }

    /** The message of the server's {@link ErrorResponse}, or {@code null} when the body is something else. */
    String serverMessage(HttpResponse<?> response, InputStream body) {
        try (InputStream in = decoded(response, body)) {
            return json.readValue(in.readNBytes(ERROR_BODY_LIMIT), ErrorResponse.class).message();
        } catch (IOException e) {
            // a proxy's HTML page, a truncated body: the status alone has to do
            return null;
        }
    }

    private static InputStream decoded(HttpResponse<?> response, InputStream body) throws IOException {
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity").trim();
        if (encoding.equalsIgnoreCase("gzip")) {
            return new GZIPInputStream(body, 8192);
        }
        if (encoding.isEmpty() || encoding.equalsIgnoreCase("identity")) {
            return body;
        }
        throw new ZipException("the answer is encoded as '" + encoding + "', which was not asked for");
    }

    /** A request to a route under the server URL, with the bearer token. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(requestTimeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .header("Accept-Encoding", "gzip");
    }

    /** A POST of {@code message} as JSON, gzip-compressed when large. */
    HttpRequest post(String path, Object message) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw failures.unwritable("POST " + path, e);
        }
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
        if (bytes.length >= GZIP_FROM_BYTES) {
            bytes = gzip(bytes);
            builder.header("Content-Encoding", "gzip");
        }
        return builder.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("compressing in memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the reader sees the stream closed, which is all that is wanted
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String stripTrailingSlashes(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static void checkServerUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The sync server URL must be an http:// or https://"
                    + " URL with a host, such as https://sync.example.com, was '" + url + "'.");
        }
        if (url.getRawUserInfo() != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The sync server URL must not carry credentials;"
                    + " leave them out and pass the token on its own.");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The sync server URL must not have a query or a"
                    + " fragment, was '" + url + "'; give the base URL, such as https://sync.example.com/sync.");
        }
    }
}
