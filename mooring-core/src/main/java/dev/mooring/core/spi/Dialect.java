package dev.mooring.core.spi;

import dev.mooring.core.sql.SqlSyntax;

/**
 * What Mooring needs to know about a database product. Implementations are stateless and thread-safe, and
 * are found with {@link java.util.ServiceLoader} (see {@code dev.mooring.core.Dialects}).
 */
public interface Dialect {
    /** A short stable name: {@code postgresql}, {@code sqlite}. */
    String name();

    /** The lexical rules of scripts for this database. */
    SqlSyntax syntax();

    /** Whether this dialect handles JDBC URLs like {@code jdbcUrl}. */
    boolean acceptsJdbcUrl(String jdbcUrl);

    /** Whether this dialect is the one behind a JDBC connection with this product name. */
    boolean acceptsProductName(String databaseProductName);

    /** Quotes an identifier so it is taken literally (embedded quotes doubled). */
    default String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
