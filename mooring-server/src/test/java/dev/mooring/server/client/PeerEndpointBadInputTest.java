package dev.mooring.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.PeerServer;
import dev.mooring.sync.client.SyncClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON bodies that are not the object a route of the LAN peer endpoint takes, over real HTTP: 400 with the JSON error
 * body, never a 500, and nothing changes.
 */
class PeerEndpointBadInputTest {
    static final String TOKEN = "lan-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void aBodyThatIsNotAJsonObjectGetsFourHundredOnTheJsonRoutes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             PeerServer served = phone.servePeers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN)) {
            ClientFixture.exec(phone, "INSERT INTO notes (id, user_id, title) VALUES"
                    + " ('00000000-0000-0000-0000-00000000000a', 'ann', 'waiting')");
            List<OutboxEntry> before = phone.outbox();
            for (String route : List.of("handshake", "export")) {
                for (String body : List.of("null", "[]", "[null]", "\"text\"", "42", "true", "", "{}")) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(served.uri() + "/peer/v1/"
                                    + route)).header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    String what = route + " " + body + ": " + r.body();
                    assertThat(r.statusCode()).as(what).isEqualTo(400);
                    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/json");
                    JsonNode error = json.readTree(r.body());
                    assertThat(error.get("error").asText()).as(what).isEqualTo("bad_request");
                    assertThat(error.get("message").asText()).as(what).contains("nothing was changed");
                }
            }
            assertThat(phone.outbox()).isEqualTo(before);
        }
    }
}
