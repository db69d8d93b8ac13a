package dev.mooring.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HlcTest {

    /** Timestamps that often share a physical time, a counter or a node-id prefix, so ties are decided late. */
    @Provide
    Arbitrary<Hlc> timestamps() {
        Arbitrary<Long> physical = Arbitraries.oneOf(Arbitraries.longs().between(0, 3),
                Arbitraries.longs().between(0, Hlc.MAX_PHYSICAL_MS));
        Arbitrary<Integer> counter = Arbitraries.oneOf(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, Hlc.MAX_COUNTER));
        Arbitrary<String> nodeId = Arbitraries.oneOf(
                Arbitraries.of("a", "a-b", "a-", "a.b", "a:b", "a_b", "a0", "A", "-", "--a", "b", "node-a", "node"),
                Arbitraries.strings().withChars("AZaz09._:-").ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
                        .ofMinLength(1).ofMaxLength(64));
        return Combinators.combine(physical, counter, nodeId).as(Hlc::new);
    }

    @Property(tries = 2000)
    void textOrderEqualsClockOrder(@ForAll("timestamps") Hlc a, @ForAll("timestamps") Hlc b) {
        assertThat(Integer.signum(a.toString().compareTo(b.toString()))).isEqualTo(Integer.signum(a.compareTo(b)));
    }

    @Provide
    Arbitrary<List<Hlc>> timestampLists() {
        return timestamps().list().ofMaxSize(50);
    }

    @Property(tries = 500)
    void sortingTextFormsSortsTimestamps(@ForAll("timestampLists") List<Hlc> list) {
        List<String> byClock = list.stream().sorted().map(Hlc::toString).toList();
        List<String> byText = list.stream().map(Hlc::toString).sorted(Comparator.naturalOrder()).toList();
        assertThat(byText).isEqualTo(byClock);
    }

    @Property(tries = 1000)
    void parseIsTheInverseOfToString(@ForAll("timestamps") Hlc hlc) {
        assertThat(Hlc.parse(hlc.toString())).isEqualTo(hlc);
        assertThat(Hlc.parse(hlc.toString()).toString()).isEqualTo(hlc.toString());
    }

    @Test
    void theTextFormHasFixedWidthNumbers() {
        assertThat(new Hlc(1_763_745_600_000L, 3, "node-a")).hasToString("001763745600000-00003-node-a");
        assertThat(Hlc.of(0, 0, "n")).hasToString("000000000000000-00000-n");
        assertThat(Hlc.of(Hlc.MAX_PHYSICAL_MS, Hlc.MAX_COUNTER, "n")).hasToString("999999999999999-99999-n");
    }

    @Test
    void compareToOrdersByPhysicalTimeThenCounterThenNode() {
        assertThat(Hlc.of(2, 0, "a")).isGreaterThan(Hlc.of(1, 99, "z"));
        assertThat(Hlc.of(1, 2, "a")).isGreaterThan(Hlc.of(1, 1, "z"));
        assertThat(Hlc.of(1, 1, "b")).isGreaterThan(Hlc.of(1, 1, "a-b"));
        assertThat(Hlc.of(1, 1, "a-b")).isGreaterThan(Hlc.of(1, 1, "a"));
        assertThat(Hlc.of(1, 1, "a").isAfter(Hlc.of(1, 0, "b"))).isTrue();
        assertThat(Hlc.of(1, 1, "a")).isEqualByComparingTo(Hlc.of(1, 1, "a"));
    }

    @Test
    void parseRejectsMalformedTextWithAClearMessage() {
        List<String> malformed = List.of("", "1-2-a", "01763745600000-00003-node-a", "0001763745600000-00003-node-a",
                "001763745600000-0003-node-a", "001763745600000-000003-node-a", "001763745600000-00003-",
                "001763745600000-00003", "001763745600000_00003_node-a", "+01763745600000-00003-node-a",
                "00176374560000x-00003-node-a", "001763745600000--0003-node-a", "001763745600000-00003-node a",
                "001763745600000-00003-nöde", "\u0661\u0667\u0666\u0663745600000-00003-node-a",
                " 001763745600000-00003-node-a", "001763745600000-00003-node-a\n",
                "001763745600000-00003-" + "n".repeat(65));
        for (String text : malformed) {
            assertThatThrownBy(() -> Hlc.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + text + "'")
                    .hasMessageContaining("e.g. 001763745600000-00003-node-a");
        }
        assertThatThrownBy(() -> Hlc.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void theConstructorNamesTheFieldAndItsRange() {
        assertThatThrownBy(() -> Hlc.of(-1, 0, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("physicalMs").hasMessageContaining("999999999999999").hasMessageContaining("-1");
        assertThatThrownBy(() -> Hlc.of(Hlc.MAX_PHYSICAL_MS + 1, 0, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("physicalMs");
        assertThatThrownBy(() -> Hlc.of(0, 100_000, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counter").hasMessageContaining("99999");
        assertThatThrownBy(() -> Hlc.of(0, -1, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counter");
        for (String bad : new String[] {"", "a b", "a/b", "x".repeat(65), "é"}) {
            assertThatThrownBy(() -> Hlc.of(0, 0, bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nodeId").hasMessageContaining("1 to 64");
        }
        assertThatThrownBy(() -> Hlc.of(0, 0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId");
        assertThat(Hlc.of(0, 0, "x".repeat(64)).nodeId()).hasSize(64);
    }

    record Stamped(Hlc hlc) {
    }

    @Test
    void aTimestampIsAJsonStringWithAPlainObjectMapper() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        Hlc hlc = Hlc.of(1_763_745_600_000L, 3, "node-a");
        String json = plain.writeValueAsString(new Stamped(hlc));
        assertThat(json).isEqualTo("{\"hlc\":\"001763745600000-00003-node-a\"}");
        assertThat(plain.readValue(json, Stamped.class)).isEqualTo(new Stamped(hlc));
        assertThat(plain.readValue("\"000000000000001-00000-n\"", Hlc.class)).isEqualTo(Hlc.of(1, 0, "n"));
        assertThatThrownBy(() -> plain.readValue("{\"hlc\":\"12-3-n\"}", Stamped.class))
                .hasMessageContaining("'12-3-n'");
    }
}
