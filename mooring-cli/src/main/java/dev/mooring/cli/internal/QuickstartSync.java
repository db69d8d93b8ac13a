package dev.mooring.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.InstallReport;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.SyncJson;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The sync part of {@code mooring quickstart}: installs change capture with the example's sync configuration, starts
 * the HTTP sync server, and makes one real round trip over HTTP as two devices of a demo user would: the "phone"
 * pushes a new event, the "laptop" pulls it, protocol messages by hand. Then two real client databases of the same
 * user sync through the same server and settle offline conflicts ({@link QuickstartDevices}), and that user shares an
 * event with a second demo user ({@link QuickstartSharing}).
 */
final class QuickstartSync {
    /** The demo user every quickstart run syncs as: Alice, who shares an event with {@link QuickstartSharing#BOB}. */
    static final String DEMO_USER = "00000000-0000-4000-8000-00000000d3e0";

    /** What the round trip did. */
    record Outcome(String url, InstallReport installed, String pushed, String pushStatus, int pulled,
                   boolean laptopSawTheEvent, String token, QuickstartDevices.Outcome devices,
                   QuickstartSharing.Outcome sharing) {
    }

    private final ObjectMapper json = SyncJson.mapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Runs it all; the client databases of the device and sharing demos live under {@code dataDir}. */
    Outcome run(DataSource ds, SyncConfig config, String schemaVersion, int port, boolean keepToken, Path dataDir) {
        InstallReport installed = SyncSchema.install(ds, config);
        String token = Tokens.create(ds).issue(DEMO_USER, "quickstart").token();
        String bobToken = Tokens.create(ds).issue(QuickstartSharing.BOB, "quickstart").token();
        try {
            return roundTrip(ds, config, installed, schemaVersion, port, token, bobToken, keepToken, dataDir);
        } finally {
            Tokens.create(ds).revoke(bobToken);
            if (!keepToken) {
                Tokens.create(ds).revoke(token);
            }
        }
    }

    private Outcome roundTrip(DataSource ds, SyncConfig config, InstallReport installed, String schemaVersion, int port,
                              String token, String bobToken, boolean keepToken, Path dataDir) {
        try (SyncServer server = SyncServer.start(ds, config, ServerOptions.defaults().withPort(port)
                .withServerSchemaVersion(schemaVersion))) {
            String base = server.uri() + "/v1";
            call("POST", base + "/handshake", token, Map.of("nodeId", "quickstart-phone", "schemaVersion",
                    "20260217103000", "capabilities", Set.of()), HandshakeResponse.class);
            long seq = System.currentTimeMillis();
            String eventId = UUID.randomUUID().toString();
            Hlc now = new Hlc(System.currentTimeMillis(), 0, "quickstart-phone");
            RowChange user = new RowChange("users", DEMO_USER, Operation.UPSERT, values("email", "alice@example.com",
                    "display_name", "Alice"), now, "quickstart-phone", seq);
            RowChange event = new RowChange("events", eventId, Operation.UPSERT, values("title", "Mooring quickstart",
                    "solar_date", "2026-12-24"), new Hlc(now.physicalMs(), 1, "quickstart-phone"), "quickstart-phone", seq + 1);
            PushResponse pushed = call("POST", base + "/changes", token,
                    new PushRequest("quickstart-phone", List.of(user, event)), PushResponse.class);
            String status = pushed.results().get(1).status().name().toLowerCase(java.util.Locale.ROOT)
                    + (pushed.results().get(1).status() == ChangeStatus.REJECTED ? ": " + pushed.results().get(1).reason() : "");
            int pulled = 0;
            boolean seen = false;
            String cursor = null;
            PullResponse page;
            do {
                page = call("GET", base + "/changes?node=quickstart-laptop&limit=500"
                        + (cursor == null ? "" : "&cursor=" + cursor), token, null, PullResponse.class);
                pulled += page.changes().size();
                seen |= page.changes().stream().map(PulledChange::id).anyMatch(eventId::equals);
                cursor = page.nextCursor();
            } while (page.hasMore());
            QuickstartDevices.Outcome devices = new QuickstartDevices().run(dataDir, server.uri(), token, ds);
            QuickstartSharing.Outcome sharing = new QuickstartSharing().run(dataDir, server.uri(), token, bobToken, ds);
            return new Outcome(base, installed, eventId, status, pulled, seen, keepToken ? token : null, devices,
                    sharing);
        }
    }

    private static Map<String, JsonNode> values(String... pairs) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], JsonNodeFactory.instance.textNode(pairs[i + 1]));
        }
        return values;
    }

    private <T> T call(String method, String url, String token, Object body, Class<T> type) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new MooringException(ErrorCode.INTERNAL, method + " " + url + " answered " + response.statusCode()
                        + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "the quickstart's sync round trip failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.INTERNAL, "interrupted during the sync round trip", e);
        }
    }
}
