package dev.mooring.backup;

import dev.mooring.backup.internal.UrlScratchServer;
import dev.mooring.core.DatabaseUrl;

import java.util.Objects;
import javax.sql.DataSource;

/**
 * A PostgreSQL server where {@code verify --restore} may create a throw-away database, restore into it and drop
 * it. The CLI uses an embedded PostgreSQL; an application can point it at any server it may create databases on.
 */
public interface ScratchServer {
    /**
     * Scratch databases on the PostgreSQL server at {@code server}: they are created and dropped through a connection
     * to its database (such as {@code postgres}), whose user needs the {@code CREATEDB} privilege. A server that
     * cannot be reached makes {@link Backups#verify} throw rather than record a verdict.
     *
     * @throws dev.mooring.core.MooringException {@code CONFIGURATION} when {@code server} is not a PostgreSQL URL
     */
    static ScratchServer on(DatabaseUrl server) {
        return new UrlScratchServer(Objects.requireNonNull(server, "server"));
    }

    /** Creates an empty database named {@code name} and returns a data source for it. */
    DataSource createDatabase(String name);

    /** Drops the database {@code name}. */
    void dropDatabase(String name);
}
