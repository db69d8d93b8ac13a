package dev.mooring.sync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;

class PeerTokenTest {
    static final String TOKEN = "0123456789abcdef-peer";

    @Test
    void acceptsOnlyTheBearerTokenItWasGiven() {
        PeerToken token = PeerToken.toServe("  " + TOKEN + "\n");

        assertThat(token.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(token.accepts("bearer " + TOKEN + " ")).isTrue();
        assertThat(token.accepts(null)).isFalse();
        assertThat(token.accepts("")).isFalse();
        assertThat(token.accepts(TOKEN)).isFalse();
        assertThat(token.accepts("Basic " + TOKEN)).isFalse();
        assertThat(token.accepts("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(token.accepts("Bearer " + TOKEN + "x")).isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
        assertThat(token.header()).isEqualTo("Bearer " + TOKEN);
        assertThat(token.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aServingDeviceRefusesAShortBlankOrUnsendableTokenWithoutShowingIt() {
        for (String bad : new String[] {"short-secret", "   ", "0123456789 abcdef-peer", "0123456789abcdéf-peer"}) {
            assertThatThrownBy(() -> PeerToken.toServe(bad)).isInstanceOf(MooringException.class)
                    .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.CONFIGURATION))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad.strip().isEmpty() ? "\0" : bad));
        }
        assertThat(PeerToken.toCall("short").accepts("Bearer short")).isTrue(); // the server decides what it takes
    }
}
