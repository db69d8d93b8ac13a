package dev.mooring.testing;

import dev.mooring.embedded.EmbeddedPostgresServer;

/**
 * The one embedded PostgreSQL server of a test JVM: started on first use, stopped when the JVM exits.
 * Thread-safe.
 */
public final class SharedPostgres {
    private static volatile EmbeddedPostgresServer server;

    private SharedPostgres() {
    }

    /** The JVM's server, starting it if needed. */
    public static EmbeddedPostgresServer server() {
        EmbeddedPostgresServer s = server;
        if (s == null) {
            synchronized (SharedPostgres.class) {
                s = server;
                if (s == null) {
                    s = EmbeddedPostgresServer.startTemporary();
                    EmbeddedPostgresServer started = s;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "mooring-test-postgres-stop"));
                    server = s;
                }
            }
        }
        return s;
    }
}
