package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mooring.server.SyncTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link InProcessTransport} against a real {@link SyncService}: the same contract as over HTTP, without HTTP. */
class InProcessTransportTest extends SyncTransportContract {
    SyncService service;

    @BeforeEach
    void startService() {
        service = SyncService.create(pg.dataSource(), config);
    }

    @Override
    SyncTransport connect(String user) {
        return InProcessTransport.create(service, user, SERVER_VERSION, MINIMUM_CLIENT);
    }

    @Test
    void withoutVersionsEveryClientIsAcceptedAndNoServerVersionIsNamed() {
        HandshakeResponse answer = InProcessTransport.create(service, "alice")
                .handshake(new Handshake("phone", "1", Set.of()));

        assertThat(answer.compatible()).isTrue();
        assertThat(answer.serverSchemaVersion()).isEmpty();
    }

    @Test
    void aValueThatCannotTravelAsJsonIsRefusedAsItWouldBeOverHttp() {
        Map<String, JsonNode> values = Map.of("title", JsonNodeFactory.instance.pojoNode(new Object()));
        RowChange change = new RowChange("notes", note(1), Operation.UPSERT, values, new Hlc(T, 0, "phone"), "phone", 1);

        TransportException e = failure(() -> connect("alice").push(new PushRequest("phone", List.of(change))));

        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("POST /v1/changes").contains("JSON round trip");
    }

    @Test
    void databaseTroubleIsUnavailableAndWorthRetrying() throws Exception {
        SyncTransport alice = connect("alice");
        execute(pg.dataSource(), "ALTER TABLE notes RENAME TO notes_elsewhere");

        TransportException e = failure(() -> alice.pull("laptop", null, 10));

        assertThat(e.code()).isEqualTo(ErrorCode.SYNC_UNAVAILABLE);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getCause()).isInstanceOf(MooringException.class);
    }

    @Test
    void aTransportNeedsAUserAndAUsableMinimumVersion() {
        assertThatThrownBy(() -> InProcessTransport.create(service, " "))
                .isInstanceOf(MooringException.class).hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> InProcessTransport.create(service, "alice", "2", "two"))
                .isInstanceOf(MooringException.class).hasMessageContaining("'two' is not a migration version");
    }
}
