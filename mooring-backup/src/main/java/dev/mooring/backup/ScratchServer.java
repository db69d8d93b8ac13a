package dev.mooring.backup;

import javax.sql.DataSource;

/**
 * A PostgreSQL server where {@code verify --restore} may create a throw-away database, restore into it and drop
 * it. The CLI uses an embedded PostgreSQL; an application can point it at any server it may create databases on.
 */
public interface ScratchServer {
    /** Creates an empty database named {@code name} and returns a data source for it. */
    DataSource createDatabase(String name);

    /** Drops the database {@code name}. */
    void dropDatabase(String name);
}
