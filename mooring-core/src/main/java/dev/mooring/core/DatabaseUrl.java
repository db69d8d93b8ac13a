package dev.mooring.core;

import dev.mooring.core.internal.DriverManagerDataSource;
import dev.mooring.core.spi.Dialect;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where a database is and how to log in to it. Accepts what users paste:
 * <ul>
 *   <li>JDBC URLs: {@code jdbc:postgresql://host/db}, {@code jdbc:sqlite:app.db};</li>
 *   <li>libpq/Heroku style URLs: {@code postgresql://user:pass@host:5432/db?schema=app&sslmode=require}
 *       (also {@code postgres://}); parameters pgjdbc does not understand are dropped, {@code schema}
 *       becomes {@code currentSchema};</li>
 *   <li>SQLite: {@code sqlite:path}, {@code file:path}, {@code :memory:}, or a plain file path.</li>
 * </ul>
 * The password is kept out of {@link #jdbcUrl()} and out of {@link #toString()}; it is registered with
 * {@link Redaction} so it never reaches output. Immutable.
 */
public final class DatabaseUrl {
    /** pgjdbc connection parameters that survive conversion from a libpq-style URL. */
    private static final Set<String> PGJDBC_PARAMETERS = Set.of(
            "sslmode", "ssl", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslfactory",
            "connecttimeout", "sockettimeout", "logintimeout", "applicationname", "options", "currentschema",
            "targetservertype", "tcpkeepalive", "preparethreshold", "gssencmode", "channelbinding");
    private static final Pattern LIBPQ = Pattern.compile(
            "(?i)^postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(?:/([^?]*))?(?:\\?(.*))?$");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Dialect dialect;

    private DatabaseUrl(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = emptyToNull(user);
        this.password = emptyToNull(password);
        this.dialect = Dialects.forJdbcUrl(jdbcUrl);
        Redaction.register(this.password);
    }

    /** Parses a URL or SQLite path in any of the accepted forms. */
    public static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.strip();
        if (trimmed.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION,
                    "The database URL is empty. Pass --url (or set DATABASE_URL), e.g. postgresql://user@localhost/app or app.db.");
        }
        Matcher libpq = LIBPQ.matcher(trimmed);
        if (libpq.matches()) {
            return fromLibpq(libpq);
        }
        if (trimmed.startsWith("jdbc:")) {
            return fromJdbc(trimmed);
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sqlite://")) {
            return sqlite(trimmed.substring("sqlite://".length()));
        }
        if (lower.startsWith("sqlite:")) {
            return sqlite(trimmed.substring("sqlite:".length()));
        }
        if (trimmed.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Unsupported database URL '" + Redaction.redact(trimmed)
                    + "'. Use postgresql://user@host/db, jdbc:postgresql://…, jdbc:sqlite:path, or a SQLite file path.");
        }
        return sqlite(trimmed);
    }

    /**
     * The URL given explicitly, or else {@code DATABASE_URL} from {@code environment}; a clear error when neither
     * is set.
     */
    public static DatabaseUrl resolve(String explicit, Map<String, String> environment) {
        if (explicit != null && !explicit.isBlank()) {
            return parse(explicit);
        }
        String fromEnv = environment.get("DATABASE_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return parse(fromEnv);
        }
        throw new MooringException(ErrorCode.USAGE,
                "No database given. Pass --url (a postgresql:// or jdbc: URL, or a SQLite file) or set DATABASE_URL.");
    }

    /** The same database with a user and/or password set; {@code null} keeps the current value. */
    public DatabaseUrl withCredentials(String newUser, String newPassword) {
        return new DatabaseUrl(jdbcUrl, newUser != null ? newUser : user, newPassword != null ? newPassword : password);
    }

    private static DatabaseUrl fromLibpq(Matcher m) {
        String user = decode(m.group(1));
        String password = decode(m.group(2));
        String hostPort = m.group(3);
        String database = decode(m.group(4));
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(5) != null) {
            for (String pair : m.group(5).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "schema", "search_path" -> params.put("currentSchema", value);
                    case "user" -> user = value;
                    case "password" -> password = value;
                    case "application_name" -> params.put("ApplicationName", value);
                    case "connect_timeout" -> params.put("connectTimeout", value);
                    default -> {
                        if (PGJDBC_PARAMETERS.contains(key.toLowerCase(Locale.ROOT))) {
                            params.put(key, value);
                        }
                    }
                }
            }
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://")
                .append(hostPort == null || hostPort.isEmpty() ? "localhost" : hostPort)
                .append('/').append(database == null ? "" : database);
        String sep = "?";
        for (Map.Entry<String, String> p : params.entrySet()) {
            jdbc.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = "&";
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    /** Moves {@code user} and {@code password} query parameters out of a JDBC URL into properties. */
    private static DatabaseUrl fromJdbc(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return new DatabaseUrl(url, null, null);
        }
        String user = null;
        String password = null;
        StringBuilder kept = new StringBuilder();
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.equalsIgnoreCase("user")) {
                user = value;
            } else if (key.equalsIgnoreCase("password")) {
                password = value;
            } else if (!pair.isEmpty()) {
                kept.append(kept.length() == 0 ? "" : "&").append(pair);
            }
        }
        String base = url.substring(0, q);
        return new DatabaseUrl(kept.length() == 0 ? base : base + "?" + kept, user, password);
    }

    private static DatabaseUrl sqlite(String path) {
        if (path.isBlank()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The SQLite URL names no file. Use sqlite:path/to/app.db.");
        }
        String target = path.equals(":memory:") || path.startsWith("file:") ? path : Path.of(path).toString();
        return new DatabaseUrl("jdbc:sqlite:" + target, null, null);
    }

    private static String decode(String s) {
        return s == null ? null : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The JDBC URL, never holding the password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user, or {@code null}. */
    public String user() {
        return user;
    }

    /** The password, or {@code null}. Handle with care: never print it. */
    public String password() {
        return password;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** For SQLite URLs, the database file; {@code null} for in-memory databases and other dialects. */
    public Path sqliteFile() {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        String file = q < 0 ? rest : rest.substring(0, q);
        if (file.startsWith("file:")) {
            file = file.substring("file:".length());
        }
        return file.isEmpty() || file.equals(":memory:") || file.contains("mode=memory") ? null : Path.of(file);
    }

    /** A {@link DataSource} that opens a new driver connection per call (no pool). */
    public DataSource toDataSource() {
        return new DriverManagerDataSource(this);
    }

    /** A human-readable form with the password masked: safe to print. */
    public String redacted() {
        String who = user == null ? "" : " (user " + user + (password == null ? "" : ", password " + Redaction.MASK) + ")";
        return Redaction.redact(jdbcUrl) + who;
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl other && jdbcUrl.equals(other.jdbcUrl)
                && Objects.equals(user, other.user) && Objects.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jdbcUrl, user, password);
    }
}
