package dev.mooring.sync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaGapTest {
    @Test
    void sequentialVersionsAreApartByTheirDifference() {
        assertThat(SchemaGap.gap("003", "15")).contains(12L);
        assertThat(SchemaGap.gap("7", "7")).contains(0L);
        assertThat(SchemaGap.gap("0", "4")).contains(4L);
    }

    @Test
    void timestampVersionsAreApartByTheDaysBetweenThem() {
        assertThat(SchemaGap.gap("20261121000000", "20261201235959")).contains(10L);
        assertThat(SchemaGap.gap("20261201000000.2", "20261121000000")).contains(10L);
    }

    @Test
    void versionsWithoutACommonMeasureAreNeverTooFarApart() {
        assertThat(SchemaGap.gap("12", "20261121000000")).isEmpty();
        assertThat(SchemaGap.gap("v1", "3")).isEmpty();
        assertThat(SchemaGap.warning("12", "20261121000000", 0)).isEmpty();
    }

    @Test
    void onlyAGapAboveTheLimitWarns() {
        assertThat(SchemaGap.warning("3", "13", 10)).isEqualTo(Optional.empty());
        assertThat(SchemaGap.warning("3", "14", 10)).get().asString()
                .contains("11 versions apart", "limit of 10", "full resync");
        assertThat(SchemaGap.warning("20260101000000", "20260103000000", 1)).get().asString()
                .contains("2 days apart");
    }
}
