package dev.mooring.sync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.sync.ChangeStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PushedChangeTest {
    @Test
    void everyStatusTheServerAnswersHasAWordInTheReport() {
        // the client reports the server's status by name (and 'merged' for an own change applied in part)
        for (ChangeStatus status : ChangeStatus.values()) {
            assertThat(PushedChange.Status.valueOf(status.name()).wireName()).isEqualTo(status.wireName());
        }
        assertThat(Arrays.stream(PushedChange.Status.values()).map(PushedChange.Status::wireName))
                .contains("merged").doesNotHaveDuplicates();
    }
}
