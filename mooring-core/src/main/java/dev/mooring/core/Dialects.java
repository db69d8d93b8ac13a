package dev.mooring.core;

import dev.mooring.core.spi.Dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Finds the {@link Dialect} for a URL, a connection or a name among those on the class path. Thread-safe. */
public final class Dialects {
    private static final List<Dialect> ALL = ServiceLoader.load(Dialect.class, Dialects.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).collect(Collectors.toUnmodifiableList());

    private Dialects() {
    }

    /** Every dialect found. */
    public static List<Dialect> all() {
        return ALL;
    }

    /** The dialect named {@code name} ({@code postgresql}, {@code sqlite}). */
    public static Dialect named(String name) {
        Objects.requireNonNull(name, "name");
        return find(d -> d.name().equalsIgnoreCase(name), "named '" + name + "'");
    }

    /** The dialect for a JDBC URL. */
    public static Dialect forJdbcUrl(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return find(d -> d.acceptsJdbcUrl(jdbcUrl), "for URL " + Redaction.redact(jdbcUrl));
    }

    /** The dialect of an open connection, from its product name. */
    public static Dialect of(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        try {
            String product = connection.getMetaData().getDatabaseProductName();
            return find(d -> d.acceptsProductName(product), "for database product '" + product + "'");
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not read the database product: " + e.getMessage(), e);
        }
    }

    private static Dialect find(Predicate<Dialect> test, String what) {
        return ALL.stream().filter(test).findFirst().orElseThrow(() -> new MooringException(ErrorCode.CONFIGURATION,
                "No database dialect " + what + ". Mooring supports "
                        + ALL.stream().map(Dialect::name).collect(Collectors.joining(" and ")) + "."));
    }
}
