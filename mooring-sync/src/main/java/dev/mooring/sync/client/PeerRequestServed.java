package dev.mooring.sync.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One request a {@link PeerServer} answered, for {@link SyncListener#peerRequestServed}: what a log line of the LAN
 * endpoint says. Never holds the token. Immutable.
 *
 * @param at       when the answer was sent
 * @param address  the caller's address and port
 * @param route    {@code handshake}, {@code import}, {@code export}, or the path asked for when it is none of them
 * @param status   the HTTP status of the answer: 200, or the refusal's (401 wrong token, 403 refused peer, 400 bad or
 *                 corrupt body, 413 too large, 503 busy, …)
 * @param peerNode the calling device's node id, when its request said it; {@code null} otherwise
 * @param outcome  what the request did ("imported 3 changes and 2 rows", "sent 4 changes and 0 rows") or why it
 *                 was refused
 */
public record PeerRequestServed(Instant at, String address, String route, int status, String peerNode,
                                String outcome) {
    public PeerRequestServed {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(outcome, "outcome");
    }
}
