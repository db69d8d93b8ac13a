package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ErrorResponse;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExchangeFile;
import dev.mooring.sync.PeerExportRequest;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.SyncJson;
import dev.mooring.sync.client.PeerImportResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * The calling side of the LAN peer endpoint ({@link PeerEndpoint}) over {@link HttpClient}: one method per route.
 * Failures are {@link MooringException}s that name the peer and the route: {@code SYNC_UNAVAILABLE} when it cannot
 * be reached, is busy or fails; {@code AUTHENTICATION} for a token it refuses; {@code PEER_REFUSED} and
 * {@code PEER_EXCHANGE_CORRUPT} as it answered them (or as this side found its answer); {@code USAGE} for other
 * refusals. The token is in no message. Thread-safe.
 */
public final class PeerLink {
    /** How long connecting to a peer may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long one call may take in all: an exchange of many changes is imported in one transaction. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    private static final int JSON_LIMIT = PeerEndpoint.JSON_LIMIT;

    private final String base;
    private final PeerToken token;
    private final HttpClient http;
    private final ObjectMapper json = SyncJson.mapper();

    private PeerLink(String base, PeerToken token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A link to the peer at {@code peer}: {@code http://host:port} as {@code mooring peer serve} prints it (a path
     * prefix is kept, for a proxy in front of it).
     *
     * @throws MooringException {@code CONFIGURATION} for a URL that is not one
     */
    public static PeerLink to(URI peer, PeerToken token) {
        String scheme = peer.getScheme() == null ? "" : peer.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || peer.getHost() == null
                || peer.getRawUserInfo() != null || peer.getRawQuery() != null || peer.getRawFragment() != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The peer URL '" + peer + "' is not one: give it as"
                    + " http://host:port, the address mooring peer serve printed on the other device.");
        }
        String path = peer.getRawPath() == null ? "" : peer.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new PeerLink(scheme + "://" + peer.getRawAuthority() + path, token);
    }

    /** The peer's URL, as it appears in messages. */
    public String url() {
        return base;
    }

    /** Tells the peer who this device is; returns who the peer is. */
    public PeerInfo handshake(PeerInfo me) {
        return readJson("handshake", call("handshake", "application/json", bytes(me)), PeerInfo.class);
    }

    /** Sends this device's changes, an exchange file, for the peer to import; returns what it imported. */
    public PeerImportResult send(byte[] exchangeFile) {
        return readJson("import", call("import", "application/octet-stream", exchangeFile), PeerImportResult.class);
    }

    /** Asks the peer for its changes; they are checked whole (digest and all) before they are returned. */
    public PeerChanges fetch(PeerExportRequest request) {
        HttpResponse<InputStream> answer = call("export", "application/json", bytes(request));
        try (InputStream in = answer.body()) {
            // reads at most one exchange file's worth: a peer answering without end is cut off as corrupt
            return PeerExchangeFile.read(in, "from the peer at " + base);
        } catch (IOException e) {
            throw unreachable("export", e);
        }
    }

    private HttpResponse<InputStream> call(String route, String type, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + PeerEndpoint.PREFIX + route))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", token.header())
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(route, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.SYNC_UNAVAILABLE, "Interrupted while calling the peer at " + base
                    + " (" + route + "); what it did with the call is not known. Trying again is safe.", e);
        }
        if (answer.statusCode() != 200) {
            throw refused(route, answer);
        }
        return answer;
    }

    private <T> T readJson(String route, HttpResponse<InputStream> answer, Class<T> type) {
        try (InputStream in = answer.body()) {
            byte[] body = in.readNBytes(JSON_LIMIT + 1);
            if (body.length > JSON_LIMIT) {
                throw new MooringException(ErrorCode.SYNC_INCOMPATIBLE, "The peer at " + base + " answered " + route
                        + " with more than " + JSON_LIMIT + " bytes; it is not a Mooring peer of this version.");
            }
            return json.readValue(body, type);
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                throw new MooringException(ErrorCode.SYNC_INCOMPATIBLE, "The peer at " + base + " answered " + route
                        + " with something other than a " + type.getSimpleName() + " (" + j.getOriginalMessage()
                        + "); is it a Mooring peer of this version?", e);
            }
            throw unreachable(route, e);
        }
    }

    private MooringException unreachable(String route, IOException e) {
        String reason = e instanceof HttpTimeoutException ? "no answer in time" : e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new MooringException(ErrorCode.SYNC_UNAVAILABLE, "Could not reach the peer at " + base + " (" + route
                + "): " + reason + ". Is mooring peer serve running there, listening on an address this device"
                + " reaches (--bind)? Trying again is safe.", e);
    }

    private MooringException refused(String route, HttpResponse<InputStream> answer) {
        int status = answer.statusCode();
        ErrorResponse error = null;
        try (InputStream in = answer.body()) {
            error = json.readValue(in.readNBytes(64 * 1024), ErrorResponse.class);
        } catch (IOException | RuntimeException e) {
            // not one of ours: the status alone speaks
        }
        String said = error == null ? "" : ": " + error.message();
        String at = "The peer at " + base + " answered " + status + " on " + route;
        String code = error == null ? "" : error.error();
        if (status == 401) {
            return new MooringException(ErrorCode.AUTHENTICATION, at + ": it refused the token. Pass the token it"
                    + " was started with (mooring peer serve --token).");
        }
        if (code.equals("peer_refused")) {
            return new MooringException(ErrorCode.PEER_REFUSED, at + said);
        }
        if (code.equals("peer_exchange_corrupt")) {
            return new MooringException(ErrorCode.PEER_EXCHANGE_CORRUPT, at + ": what this device sent arrived"
                    + " damaged" + said);
        }
        if (status == 404 || status == 405) {
            return new MooringException(ErrorCode.SYNC_INCOMPATIBLE, at + ": it does not serve the peer endpoint "
                    + PeerEndpoint.PREFIX + route + "; is it mooring peer serve, of this version?");
        }
        if (status == 503 || status >= 500) {
            return new MooringException(ErrorCode.SYNC_UNAVAILABLE, at + said + ". Trying again is safe.");
        }
        return new MooringException(ErrorCode.USAGE, at + said);
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write " + body.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
