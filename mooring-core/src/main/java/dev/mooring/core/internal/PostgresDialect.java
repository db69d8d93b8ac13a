package dev.mooring.core.internal;

import dev.mooring.core.spi.Dialect;
import dev.mooring.core.sql.SqlSyntax;

/** PostgreSQL. */
public final class PostgresDialect implements Dialect {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public SqlSyntax syntax() {
        return SqlSyntax.POSTGRESQL;
    }

    @Override
    public boolean acceptsJdbcUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public boolean acceptsProductName(String databaseProductName) {
        return "PostgreSQL".equalsIgnoreCase(databaseProductName);
    }
}
