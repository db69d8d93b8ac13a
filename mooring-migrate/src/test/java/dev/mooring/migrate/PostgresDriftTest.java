package dev.mooring.migrate;

import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;

class PostgresDriftTest extends DriftContract {
    @RegisterExtension
    static PostgresDatabaseExtension live = PostgresDatabaseExtension.perMethod();
    @RegisterExtension
    static PostgresDatabaseExtension scratch = PostgresDatabaseExtension.perMethod();

    @Override
    DataSource live() {
        return live.dataSource();
    }

    @Override
    DataSource scratch() {
        return scratch.dataSource();
    }
}
