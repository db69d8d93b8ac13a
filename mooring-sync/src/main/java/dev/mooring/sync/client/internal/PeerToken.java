package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The shared secret of the LAN peer endpoint: the bearer token a serving device expects and a calling device sends.
 * It is registered with {@link Redaction} as soon as it is accepted, and this class keeps only its SHA-256 and the
 * header value to send; {@link #toString()} does not show it. Comparing is constant-time: both sides are hashed
 * first, so neither the length nor a common prefix of a guess shows in the time an answer takes. Immutable.
 */
public final class PeerToken {
    /** A serving device accepts no shorter token: it is all that keeps other machines on the network out. */
    public static final int MIN_LENGTH = 16;
    private static final String BEARER = "Bearer ";

    private final byte[] digest;
    private final String header;

    private PeerToken(String token) {
        this.digest = sha256(token);
        this.header = BEARER + token;
    }

    /**
     * The token to serve with: surrounding white space ignored, at least {@value #MIN_LENGTH} characters that can
     * go in an HTTP header.
     *
     * @throws MooringException {@code CONFIGURATION} naming what is wrong (never the token itself)
     */
    public static PeerToken toServe(String token) {
        PeerToken checked = toCall(token);
        if (token.strip().length() < MIN_LENGTH) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The peer token is " + token.strip().length()
                    + " characters long; a device serving peers needs at least " + MIN_LENGTH + ", since the token is"
                    + " all that keeps other machines on the network out. Generate one, e.g. openssl rand -hex 16,"
                    + " and give the same one to both devices.");
        }
        return checked;
    }

    /**
     * The token to call a peer with: surrounding white space ignored, characters that can go in an HTTP header.
     *
     * @throws MooringException {@code CONFIGURATION} naming what is wrong (never the token itself)
     */
    public static PeerToken toCall(String token) {
        String trimmed = token == null ? "" : token.strip();
        if (trimmed.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The peer token is blank; pass the token the serving"
                    + " device was started with.");
        }
        if (!trimmed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The peer token contains spaces or characters that"
                    + " cannot go in an HTTP header; use letters, digits and punctuation only.");
        }
        Redaction.register(trimmed);
        return new PeerToken(trimmed);
    }

    /** Whether an {@code Authorization} header value carries this token; {@code null} (no header) does not. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(BEARER.length()).strip()));
    }

    /** The {@code Authorization} header value that carries the token. */
    public String header() {
        return header;
    }

    @Override
    public String toString() {
        return "PeerToken[" + Redaction.MASK + "]";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
