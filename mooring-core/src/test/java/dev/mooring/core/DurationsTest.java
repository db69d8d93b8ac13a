package dev.mooring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void shortAndIsoSpellingsMeanTheSame() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1 h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anythingElseNamesTheTextAndTheSpellings() {
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'soon' is not a duration").hasMessageContaining("30s, 5m");
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("is not a duration");
    }

    @Test
    void formatWritesWhatParseReadsInTheLargestExactUnit() {
        for (String text : new String[] {"1d", "36h", "90m", "45s", "500ms", "0ms"}) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
    }
}
