package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POSTs alert notifications as JSON to one webhook, off the caller's thread: {@link #send} only queues. One delivery
 * thread sends them in the order they were raised (a {@code resolved} never overtakes its {@code firing}); each
 * attempt may take the timeout, and an attempt that fails to connect, times out or gets a 5xx is retried
 * {@value #RETRIES} times, after 1, 2 and 4 times the first backoff. A 3xx or 4xx is logged and not retried. At most
 * {@value #QUEUE} notifications wait; more are dropped with a log line.
 *
 * <p>The URL may carry a secret (a token in the query, user info, a key in the path): log lines show only
 * {@link #redacted(URI)}, and what they quote of a receiver's answer has those parts masked. User info
 * ({@code https://user:secret@host/…}) is sent as basic authentication. Thread-safe.
 */
public final class AlertWebhook implements AutoCloseable {
    /** How often a failed attempt is repeated. */
    public static final int RETRIES = 3;
    private static final int QUEUE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
    // webhook services put their key in the path (/services/T0/B0/<key>): segments this long are not shown
    private static final Pattern LONG_SEGMENT = Pattern.compile("(?<=/)[^/]{20,}");

    /**
     * One notification.
     *
     * @param alert     the alert's key, such as {@code pending-conflicts}
     * @param state     {@code firing} or {@code resolved}
     * @param value     the alert's value when it changed state
     * @param threshold its threshold
     * @param at        when it changed state
     * @param message   the log line's text
     */
    public record Notification(String alert, String state, Number value, Number threshold, Instant at,
                               String message) {
    }

    /** How one attempt went: {@code problem} is {@code null} when it was delivered. */
    private record Attempt(String problem, boolean retry) {
        static final Attempt DELIVERED = new Attempt(null, false);
    }

    private final URI uri;
    private final String shown;
    private final Duration timeout;
    private final Duration firstBackoff;
    private final String serverName;
    private final ThreadPoolExecutor delivery;
    private final ExecutorService http;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> secrets;
    private String hostName; // confined to the delivery thread

    /**
     * @param serverName   the {@code server} of the bodies; {@code null}: this machine's host name
     * @param firstBackoff the wait before the first retry (1 s in production)
     */
    public AlertWebhook(URI uri, Duration timeout, String serverName, Duration firstBackoff) {
        this.uri = requireHttp(uri);
        this.shown = redacted(uri);
        this.secrets = secrets(uri);
        this.timeout = timeout;
        this.firstBackoff = firstBackoff;
        this.serverName = serverName;
        this.delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                daemon("mooring-alert-webhook"));
        this.http = Executors.newCachedThreadPool(daemon("mooring-alert-webhook-http"));
        this.client = HttpClient.newBuilder().executor(http).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** {@code uri}, when it is an absolute http or https URL with a host; the message never shows the URL. */
    public static URI requireHttp(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String problem = !scheme.equals("http") && !scheme.equals("https")
                ? (scheme.isEmpty() ? "has no scheme" : "is a " + scheme + " URL")
                : uri.getHost() == null ? "has no host" : null;
        if (problem != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: the webhook " + problem + "; give an http or"
                    + " https URL such as https://alerts.example.com/mooring");
        }
        return uri;
    }

    /** {@code scheme://host:port/path} of {@code uri}: no user info, query or fragment, long path segments masked. */
    public static String redacted(URI uri) {
        String path = uri.getRawPath() == null ? "" : LONG_SEGMENT.matcher(uri.getRawPath()).replaceAll("***");
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + path;
    }

    /** Queues {@code notification}; returns at once. */
    public void send(Notification notification) {
        try {
            delivery.execute(() -> deliver(notification));
        } catch (RejectedExecutionException e) {
            if (!delivery.isShutdown()) {
                LOG.warn("Dropped the {} notification of alert {}: {} notifications wait for the webhook {} already",
                        notification.state(), notification.alert(), QUEUE, shown);
            }
        }
    }

    /** Stops at once: the notification being sent and those waiting are dropped (and counted in a log line). */
    @Override
    public void close() {
        List<Runnable> waiting = delivery.shutdownNow();
        http.shutdownNow();
        if (!waiting.isEmpty()) {
            LOG.warn("{} alert notification(s) for {} were not sent: the alerts stopped", waiting.size(), shown);
        }
    }

    private void deliver(Notification notification) {
        try {
            deliverOrGiveUp(notification);
        } catch (RuntimeException e) {
            // the executor would print the stack trace, and with it perhaps the URL
            LOG.warn("Could not send the {} notification of alert {} to the webhook {}: {}", notification.state(),
                    notification.alert(), shown, hideSecrets(String.valueOf(e.getMessage())));
        }
    }

    private void deliverOrGiveUp(Notification notification) {
        byte[] body = body(notification);
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            Attempt result = post(body);
            if (Thread.currentThread().isInterrupted()) {
                return; // closed meanwhile
            }
            if (result.problem() == null) {
                LOG.debug("Sent the {} notification of alert {} to {}", notification.state(), notification.alert(), shown);
                return;
            }
            if (!result.retry()) {
                LOG.warn("The alert webhook {} refused the {} notification of alert {}: {}; it is not sent again. Check"
                        + " the URL and what the receiver expects.", shown, notification.state(), notification.alert(),
                        result.problem());
                return;
            }
            if (attempt > RETRIES) {
                LOG.warn("Could not send the {} notification of alert {} to the webhook {} in {} attempts (the last:"
                        + " {}); giving up on it.", notification.state(), notification.alert(), shown, attempt,
                        result.problem());
                return;
            }
            LOG.debug("The alert webhook {} failed ({}); trying again in {}", shown, result.problem(),
                    Durations.format(backoff));
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return; // closed
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    private Attempt post(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("User-Agent", "mooring-alerts")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (uri.getUserInfo() != null) { // https://user:secret@host/… means basic authentication, as with curl
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    uri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            // the request's own timeout ends with the headers: a receiver that stalls in its body is cut off here
            HttpResponse<String> response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return Attempt.DELIVERED;
            }
            String problem = "HTTP " + status + (status < 400 && status >= 300 ? " (redirects are not followed: give"
                    + " the final URL)" : "") + excerpt(response.body());
            return new Attempt(problem, status >= 500);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return new Attempt("no answer within " + Durations.format(timeout), true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                return new Attempt("could not connect within " + Durations.format(timeout), true);
            }
            if (cause instanceof HttpTimeoutException) {
                return new Attempt("no answer within " + Durations.format(timeout), true);
            }
            if (cause instanceof ConnectException) {
                return new Attempt("could not connect", true);
            }
            String problem = cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
                    : ": " + hideSecrets(cause.getMessage()));
            return new Attempt(problem, cause instanceof IOException);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt("stopped", false);
        }
    }

    private byte[] body(Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alert", n.alert());
        body.put("state", n.state());
        body.put("value", n.value());
        body.put("threshold", n.threshold());
        body.put("at", n.at().toString());
        body.put("server", serverName != null ? serverName : hostName());
        body.put("message", n.message());
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    private String hostName() {
        if (hostName == null) {
            try {
                hostName = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                String env = System.getenv("HOSTNAME");
                hostName = env == null || env.isBlank() ? "unknown" : env;
            }
        }
        return hostName;
    }

    /** ": " and the start of a receiver's answer, which may quote the request. */
    private String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = hideSecrets(body.strip().replaceAll("\\s+", " "));
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }

    /** {@code text} with whatever of the URL may be secret replaced by {@code ***}. */
    private String hideSecrets(String text) {
        String out = text.replace(uri.toString(), shown);
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    /**
     * The parts of {@code uri} that may be secret, longest first: the user info and its password, the query and each of
     * its values, the fragment, key-like path segments.
     */
    private static List<String> secrets(URI uri) {
        List<String> parts = new ArrayList<>();
        for (String userInfo : new String[]{uri.getRawUserInfo(), uri.getUserInfo()}) {
            if (userInfo != null) {
                parts.add(userInfo);
                parts.add(userInfo.substring(userInfo.indexOf(':') + 1));
            }
        }
        for (String query : new String[]{uri.getRawQuery(), uri.getQuery()}) {
            if (query != null) {
                parts.add(query);
                for (String parameter : query.split("&")) {
                    parts.add(parameter.substring(parameter.indexOf('=') + 1));
                }
            }
        }
        parts.add(uri.getRawFragment());
        parts.add(uri.getFragment());
        if (uri.getRawPath() != null) {
            for (Matcher segment = LONG_SEGMENT.matcher(uri.getRawPath()); segment.find(); ) {
                parts.add(segment.group());
            }
        }
        // short values ("1", "yes") would mask half of every message
        return parts.stream().filter(part -> part != null && part.length() >= 4).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
