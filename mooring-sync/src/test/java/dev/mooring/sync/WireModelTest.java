package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireModelTest {
    private static final Hlc HLC = Hlc.of(1_763_745_600_000L, 3, "node-a");
    private static final Hlc SERVER = Hlc.of(1_763_745_600_100L, 0, "server");

    private final ObjectMapper mapper = SyncJson.mapper();

    private static Map<String, JsonNode> values() {
        ObjectNode address = JsonNodeFactory.instance.objectNode();
        address.put("city", "Porto").putArray("lines").add("Rua 1").addNull();
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("title", TextNode.valueOf("Buy milk"));
        values.put("due", NullNode.getInstance());
        values.put("count", IntNode.valueOf(2));
        values.put("address", address);
        return values;
    }

    private static RowChange upsert(long clientSeq) {
        return new RowChange("todo", "42", Operation.UPSERT, values(), HLC, "node-a", clientSeq);
    }

    /** Writes a message with one mapper and reads it back with another. */
    private static Object roundTrip(Object message, ObjectMapper writer, ObjectMapper reader) throws Exception {
        return reader.readValue(writer.writeValueAsString(message), message.getClass());
    }

    @Test
    void wireRecordsRoundTripThroughJson() throws Exception {
        List<Object> messages = List.of(
                upsert(1),
                new RowChange("todo", "43", Operation.DELETE, Map.of(), HLC, "node-a", 2),
                new PushRequest("node-a", List.of(upsert(1), upsert(2))),
                new ChangeResult(1, ChangeStatus.APPLIED, null),
                new ChangeResult(2, ChangeStatus.CONFLICT_QUEUED, "title changed on the server too"),
                new PushResponse(List.of(new ChangeResult(1, ChangeStatus.DUPLICATE, null)), SERVER),
                new PulledChange(0, "todo", "42", Operation.UPSERT, values(), HLC, "node-a"),
                new PullResponse(List.of(new PulledChange(17, "todo", "43", Operation.DELETE, Map.of(), HLC, "b"),
                        new PulledChange(18, "todo", "44", Operation.REMOVE, Map.of(), SERVER, "server")),
                        "c-18", true, false, SERVER),
                new Handshake("node-a", "20251121.1", Set.of("pull", "push", "bootstrap")),
                new HandshakeResponse(true, "20251121.1", null, SERVER),
                new HandshakeResponse(false, "20251121.2", "Upgrade the app to sync.", SERVER),
                new ErrorResponse("bad_request", "The body is not JSON; send a PushRequest."));
        // A plain mapper reads what the protocol mapper writes, and the other way round.
        ObjectMapper plain = new ObjectMapper();
        for (Object message : messages) {
            String name = message.getClass().getSimpleName();
            assertThat(roundTrip(message, mapper, mapper)).as(name).isEqualTo(message);
            assertThat(roundTrip(message, mapper, plain)).as(name).isEqualTo(message);
            assertThat(roundTrip(message, plain, mapper)).as(name).isEqualTo(message);
        }
    }

    @Test
    void aJsonNullColumnValueSurvivesAndNestedValuesKeepTheirShape() throws Exception {
        String json = mapper.writeValueAsString(upsert(5));
        assertThat(json).contains("\"due\":null")
                .contains("\"address\":{\"city\":\"Porto\",\"lines\":[\"Rua 1\",null]}")
                .contains("\"op\":\"upsert\"")
                .contains("\"hlc\":\"001763745600000-00003-node-a\"");
        RowChange read = mapper.readValue(json, RowChange.class);
        assertThat(read.values()).containsKey("due");
        assertThat(read.values().get("due").isNull()).isTrue();
        assertThat(read.values().get("address").get("lines").get(1).isNull()).isTrue();
        assertThat(read.values().keySet()).containsExactly("title", "due", "count", "address");
    }

    @Test
    void aFillTravelsOnlyWhenAChangeHasOneAndNeverOverlapsItsValues() throws Exception {
        assertThat(mapper.writeValueAsString(upsert(1))).doesNotContain("fill");
        assertThat(new ObjectMapper().writeValueAsString(upsert(1))).doesNotContain("fill");
        RowChange filled = new RowChange("todo", "42", Operation.UPSERT, Map.of("done", TextNode.valueOf("yes")), HLC,
                "node-a", 3, null, values());
        String json = mapper.writeValueAsString(filled);
        assertThat(json).contains("\"fill\":{\"title\":\"Buy milk\"");
        assertThat(mapper.readValue(json, RowChange.class)).isEqualTo(filled);
        assertThat(upsert(1).fill()).isEmpty();

        assertThatThrownBy(() -> upsert(1).withFill(Map.of("title", TextNode.valueOf("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column title is in both");
        assertThatThrownBy(() -> new RowChange("todo", "43", Operation.DELETE, Map.of(), HLC, "node-a", 2)
                .withFill(values())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete");
    }

    @Test
    void nullFieldsAreLeftOutButReadBackAsNull() throws Exception {
        String json = mapper.writeValueAsString(new ChangeResult(3, ChangeStatus.APPLIED, null));
        assertThat(json).isEqualTo("{\"clientSeq\":3,\"status\":\"applied\"}");
        assertThat(mapper.readValue(json, ChangeResult.class).reason()).isNull();
    }

    @Test
    void enumsUseLowerCaseNames() throws Exception {
        assertThat(mapper.writeValueAsString(ChangeStatus.CONFLICT_QUEUED)).isEqualTo("\"conflict_queued\"");
        assertThat(mapper.writeValueAsString(Operation.DELETE)).isEqualTo("\"delete\"");
        for (ChangeStatus status : ChangeStatus.values()) {
            assertThat(ChangeStatus.fromWireName(status.wireName())).isEqualTo(status);
        }
        assertThat(mapper.readValue("\"upsert\"", Operation.class)).isEqualTo(Operation.UPSERT);
    }

    @Test
    void aRemoveComesOnlyFromTheServerAndCarriesNoValues() throws Exception {
        PulledChange remove = mapper.readValue("{\"seq\":18,\"table\":\"todo\",\"id\":\"44\",\"op\":\"remove\","
                + "\"values\":{},\"hlc\":\"" + SERVER + "\",\"originNode\":\"server\"}", PulledChange.class);
        assertThat(remove.op()).isEqualTo(Operation.REMOVE);
        assertThatThrownBy(() -> new PulledChange(18, "todo", "44", Operation.REMOVE, values(), SERVER, "server"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A remove of todo row '44' carries no values");
        assertThatThrownBy(() -> new RowChange("todo", "44", Operation.REMOVE, Map.of(), HLC, "node-a", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the server sends those");
        ObjectNode pushed = mapper.valueToTree(new RowChange("todo", "44", Operation.DELETE, Map.of(), HLC, "n", 1));
        pushed.put("op", "remove");
        assertThatThrownBy(() -> mapper.treeToValue(pushed, RowChange.class))
                .hasMessageContaining("cannot be a remove");
    }

    @Test
    void unknownFieldsAreRejected() throws Exception {
        ObjectNode change = mapper.valueToTree(upsert(1));
        change.put("colour", "red");
        assertThatThrownBy(() -> mapper.treeToValue(change, RowChange.class)).hasMessageContaining("colour");
        assertThatThrownBy(() -> mapper.readValue("{\"error\":\"x\",\"message\":\"m\",\"hint\":1}", ErrorResponse.class))
                .hasMessageContaining("hint");
    }

    @Test
    void nullForANumberIsRejected() throws Exception {
        ObjectNode change = mapper.valueToTree(upsert(1));
        change.putNull("clientSeq");
        assertThatThrownBy(() -> mapper.treeToValue(change, RowChange.class)).hasMessageContaining("clientSeq");
    }

    @Test
    void unknownOperationIsAClearError() throws Exception {
        ObjectNode change = mapper.valueToTree(upsert(1));
        change.put("op", "UPSERT");
        assertThatThrownBy(() -> mapper.treeToValue(change, RowChange.class))
                .hasMessageContaining("Unknown Operation 'UPSERT'; expected one of 'upsert', 'delete', 'remove'.");
        assertThatThrownBy(() -> Operation.fromWireName("merge")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown Operation 'merge'; expected one of 'upsert', 'delete', 'remove'.");
        assertThatThrownBy(() -> ChangeStatus.fromWireName("conflict-queued"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'conflict_queued'");
    }

    @Test
    void recordsRejectMissingFieldsNamingThem() {
        assertThatThrownBy(() -> new RowChange(null, "1", Operation.UPSERT, Map.of(), HLC, "n", 1))
                .isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> new RowChange("t", "1", Operation.UPSERT, null, HLC, "n", 1))
                .isInstanceOf(NullPointerException.class).hasMessage("values");
        assertThatThrownBy(() -> new PushRequest("n", Arrays.asList(upsert(1), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("changes[1]");
        assertThatThrownBy(() -> new PullResponse(List.of(), null, false, false, SERVER))
                .isInstanceOf(NullPointerException.class).hasMessage("nextCursor");
        assertThatThrownBy(() -> new Handshake("n", "1", new java.util.HashSet<>(Arrays.asList("a", null))))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("capabilities");
    }

    @Test
    void recordsRejectValuesOutOfRange() {
        assertThatThrownBy(() -> upsert(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientSeq must be 1 or more, but was 0");
        assertThatThrownBy(() -> new PulledChange(-1, "t", "1", Operation.UPSERT, Map.of(), HLC, "n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq must be 0 or more");
        assertThatThrownBy(() -> new RowChange("todo", "9", Operation.DELETE, values(), HLC, "n", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete of todo row '9'");
        assertThatThrownBy(() -> new ChangeResult(1, ChangeStatus.APPLIED, "because"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("applied change has no reason");
        assertThatThrownBy(() -> new ErrorResponse("Bad Request", "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Bad Request'");
    }

    @Test
    void recordsKeepDefensiveCopies() {
        Map<String, JsonNode> values = new HashMap<>();
        values.put("due", null);
        RowChange change = new RowChange("t", "1", Operation.UPSERT, values, HLC, "n", 1);
        values.put("title", TextNode.valueOf("later"));
        assertThat(change.values()).containsOnlyKeys("due");
        assertThat(change.values().get("due")).isEqualTo(NullNode.getInstance());
        assertThatThrownBy(() -> change.values().put("x", NullNode.getInstance()))
                .isInstanceOf(UnsupportedOperationException.class);

        List<RowChange> changes = new ArrayList<>(List.of(upsert(1)));
        PushRequest push = new PushRequest("n", changes);
        changes.add(upsert(2));
        assertThat(push.changes()).hasSize(1);
        assertThat(new Handshake("n", "1", Set.of("push", "bootstrap", "pull")).capabilities())
                .containsExactly("bootstrap", "pull", "push");
    }
}
