package dev.mooring.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes passwords from text before it is printed, logged or serialized. Two mechanisms, because neither
 * alone is enough: URL-shaped secrets ({@code user:secret@host}, {@code password=secret}) are recognized by
 * pattern, and every password Mooring has been handed (see {@link #register(String)}) is replaced wherever it
 * appears, so a driver message that echoes a password verbatim is covered too. Thread-safe.
 */
public final class Redaction {
    /** What a redacted secret looks like in output. */
    public static final String MASK = "***";

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Pattern USERINFO = Pattern.compile("(://[^:/?#@\\s]*):([^@/\\s]*)@");
    private static final Pattern PASSWORD_PARAM =
            Pattern.compile("(?i)((?:password|passwd|pwd|sslpassword)\\s*[=:]\\s*)([^&;\\s,\"']+)");

    private Redaction() {
    }

    /** Remembers a secret so that every later {@link #redact(String)} masks it. Empty values are ignored. */
    public static void register(String secret) {
        if (secret != null && secret.length() >= 3) {
            SECRETS.add(secret);
        }
    }

    /** Returns {@code text} with every known or URL-shaped secret replaced by {@link #MASK}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USERINFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        out = PASSWORD_PARAM.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        for (String secret : SECRETS) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
