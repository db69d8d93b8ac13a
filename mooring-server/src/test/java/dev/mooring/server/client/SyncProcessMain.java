package dev.mooring.server.client;

import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncStep;
import java.net.URI;
import java.nio.file.Path;

/**
 * A client process for {@link SyncKillTest}: opens the database, syncs once over HTTP, and prints every step as it
 * completes, so the test can kill it at a known point. Arguments: database file, server URL; the token on stdin.
 */
public final class SyncProcessMain {
    private SyncProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        String token = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        try (SyncClient client = ClientFixture.client(Path.of(args[0]));
             HttpTransport server = HttpTransport.create(URI.create(args[1]), token)) {
            client.addListener(new SyncListener() {
                @Override
                public void stepCompleted(SyncStep step) {
                    System.out.println(step);
                    System.out.flush();
                }
            });
            client.sync(server);
            System.out.println("DONE");
        }
    }
}
