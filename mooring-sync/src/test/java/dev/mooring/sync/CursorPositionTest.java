package dev.mooring.sync;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorPositionTest {
    @Test
    void positionsCompareByTransactionThenSequence() {
        CursorPosition p = CursorPosition.parse("c1.1000.5").orElseThrow();
        assertThat(p).isEqualTo(new CursorPosition(1000, 5));
        assertThat(p.encode()).isEqualTo("c1.1000.5");
        assertThat(p.follows("c1.999.70")).isTrue();
        assertThat(p.follows("c1.1000.4")).isTrue();
        assertThat(p.follows("c1.1000.5")).isFalse();
        assertThat(p.follows("c1.1001.0")).isFalse();
    }

    @Test
    void everyPositionFollowsNoCursorAndABootstrapInProgress() {
        CursorPosition p = new CursorPosition(3, 0);
        assertThat(p.follows(null)).isTrue();
        assertThat(p.follows("")).isTrue();
        assertThat(p.follows("b1.5000.2.aWQ")).isTrue();
        assertThat(CursorPosition.parse("b1.5000.0.")).isEmpty();
    }

    @Test
    void textThatIsNoCursorIsRefused() {
        for (String bad : new String[]{"c1.1", "c1.a.1", "c1.-1.0", "c2.1.1", "x"}) {
            assertThatThrownBy(() -> CursorPosition.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
