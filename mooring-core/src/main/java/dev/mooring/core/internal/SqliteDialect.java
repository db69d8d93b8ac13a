package dev.mooring.core.internal;

import dev.mooring.core.spi.Dialect;
import dev.mooring.core.sql.SqlSyntax;

/** SQLite (through the xerial sqlite-jdbc driver). */
public final class SqliteDialect implements Dialect {
    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public SqlSyntax syntax() {
        return SqlSyntax.SQLITE;
    }

    @Override
    public boolean acceptsJdbcUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    @Override
    public boolean acceptsProductName(String databaseProductName) {
        return "SQLite".equalsIgnoreCase(databaseProductName);
    }
}
