package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;

import javax.sql.DataSource;

class SqliteDriftTest extends DriftContract {
    @Override
    DataSource live() {
        return DatabaseUrl.parse(dir.resolve("live.db").toString()).toDataSource();
    }

    @Override
    DataSource scratch() {
        return DatabaseUrl.parse(dir.resolve("scratch.db").toString()).toDataSource();
    }
}
