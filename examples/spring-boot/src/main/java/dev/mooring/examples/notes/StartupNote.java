package dev.mooring.examples.notes;

import dev.mooring.server.SyncServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Says where everything is once the application runs (Mooring migrated the database before any runner), and the
 * command that creates a sync token on its database.
 */
@Component
class StartupNote implements ApplicationRunner {
    private static final Log LOG = LogFactory.getLog(StartupNote.class);

    private final DataSource dataSource;
    private final SyncServer syncServer;
    private final Environment environment;

    StartupNote(DataSource dataSource, SyncServer syncServer, Environment environment) {
        this.dataSource = dataSource;
        this.syncServer = syncServer;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) throws SQLException {
        String database;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String url = meta.getURL();
            database = url.contains("user=") ? url : url + (url.contains("?") ? "&" : "?") + "user=" + meta.getUserName();
        }
        LOG.info("Notes is running: http://localhost:" + environment.getProperty("local.server.port") + "/notes,"
                + " sync API " + syncServer.uri() + "/v1, database " + database + ". Create a sync token for alice with:"
                + " ./mooring token create --user alice --url '" + database + "'"
                + (environment.containsProperty("spring.datasource.password")
                        ? " (set MOORING_PASSWORD to the database password first)" : ""));
    }
}
