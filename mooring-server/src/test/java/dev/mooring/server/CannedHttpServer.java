package dev.mooring.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on port 0 (the JDK's) that gives every request the same answer: for what a Mooring server does
 * not do on demand (a proxy's 502, a body that is not JSON, a server that stalls), or a receiver that is not Mooring
 * (an alert webhook). Keeps every request, in the order they arrived. For tests.
 */
final class CannedHttpServer implements AutoCloseable {
    /** A request as it arrived. */
    record Request(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
    }

    @FunctionalInterface
    private interface Answer {
        void send(HttpExchange exchange, CountDownLatch released) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "canned-http");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private CannedHttpServer(Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes());
            synchronized (requests) {
                requests.add(request);
                requests.notifyAll();
            }
            try {
                answer.send(exchange, released);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Answers {@code status} with {@code body} and the given header name/value pairs. */
    static CannedHttpServer answering(int status, String contentType, String body, String... headers)
            throws IOException {
        return new CannedHttpServer((exchange, released) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    /** Reads the request and never answers, until closed. */
    static CannedHttpServer silent() throws IOException {
        return new CannedHttpServer((exchange, released) -> await(released));
    }

    /** Sends the headers of a 200 and the start of its body, then nothing more until closed. */
    static CannedHttpServer stallingMidAnswer() throws IOException {
        return new CannedHttpServer((exchange, released) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 10_000);
            exchange.getResponseBody().write("{\"changes\":[".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            await(released);
        });
    }

    URI uri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** The last request received, or {@code null}. */
    Request last() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** Every request received so far. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The first {@code count} requests, once they have arrived; fails after {@code patience}. */
    List<Request> awaitRequests(int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (requests) {
            while (requests.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " requests within " + patience + ", got "
                            + requests.size());
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return List.copyOf(requests.subList(0, count));
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
