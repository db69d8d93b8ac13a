package dev.mooring.sync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.core.MooringException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Live sync's settings, and how clients that lost the same server come back. */
class LiveOptionsTest {
    @Test
    void aThousandClientsCutOffTogetherComeBackSpreadOverTheFirstSecondAndLaterOnesOverLongerStill() {
        RetryPolicy reconnect = LiveOptions.defaults().reconnect();
        SplittableRandom random = new SplittableRandom(7);
        int[] perTenth = new int[10];
        int[] secondTry = new int[20];
        for (int client = 0; client < 1_000; client++) {
            long first = reconnect.delayAfter(1, random).toMillis();
            assertThat(first).isBetween(0L, 1_000L);
            perTenth[(int) Math.min(9, first / 100)]++;
            long second = reconnect.delayAfter(2, random).toMillis();
            assertThat(second).isBetween(0L, 2_000L);
            secondTry[(int) Math.min(19, second / 100)]++;
        }
        // a hundred per tenth of a second on average; none more than one and a half times that
        for (int count : perTenth) {
            assertThat(count).isBetween(50, 150);
        }
        for (int count : secondTry) {
            assertThat(count).isBetween(20, 80);
        }
        assertThat(reconnect.delayAfter(30, random)).isLessThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheRange() {
        assertThatThrownBy(() -> LiveOptions.defaults().withServerWait(Duration.ofSeconds(26)))
                .isInstanceOf(MooringException.class).hasMessageContaining("1 to 25 seconds");
        assertThatThrownBy(() -> LiveOptions.defaults().withServerWait(Duration.ofMillis(500)))
                .isInstanceOf(MooringException.class).hasMessageContaining("1 to 25 seconds");
        assertThatThrownBy(() -> LiveOptions.defaults().withDebounce(Duration.ofSeconds(11)))
                .isInstanceOf(MooringException.class).hasMessageContaining("0 to 10 seconds");
        assertThat(LiveOptions.defaults().withDebounce(Duration.ZERO).debounce()).isZero();
    }
}
