package dev.mooring.server.internal;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.OptionalInt;

/**
 * The sync server's Jetty connectors: the main one, and the admin port's, which it remembers so that a request can be
 * told by the connector it came in on (not by its Host header, which the client writes). Thread-safe.
 */
public final class AdminPort {
    private volatile ServerConnector connector;

    /** A plain HTTP connector on {@code host:port}, with the server's HTTP configuration. */
    public static ServerConnector connector(Server jetty, HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** The admin port's connector, remembered; for Javalin's {@code addConnector}. */
    public Connector open(Server jetty, HttpConfiguration http, String host, int port) {
        connector = connector(jetty, http, host, port);
        return connector;
    }

    /** Whether the request came in on the admin port. */
    public boolean serves(Context ctx) {
        ServerConnector admin = connector;
        return admin != null
                && ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnector() == admin;
    }

    /** The port it listens on (the chosen one for port 0); empty without an admin port. */
    public OptionalInt localPort() {
        ServerConnector admin = connector;
        return admin == null ? OptionalInt.empty() : OptionalInt.of(admin.getLocalPort());
    }
}
