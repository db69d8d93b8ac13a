package dev.mooring.server.internal;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
    @Test
    void oneRangeIsResolvedAgainstTheSize() {
        assertThat(range("bytes=0-0", 10)).contains(new ByteRange(0, 0));
        assertThat(range("bytes=4-", 10)).contains(new ByteRange(4, 9));
        assertThat(range("bytes=4-100", 10)).contains(new ByteRange(4, 9));
        assertThat(range("bytes=-3", 10)).contains(new ByteRange(7, 9));
        assertThat(range("bytes=-30", 10)).contains(new ByteRange(0, 9));
    }

    @Test
    void aRangeStartingAtOrBeyondTheEndCannotBeSatisfied() {
        assertThat(ByteRange.parse("bytes=10-", 10)).contains(ByteRange.Result.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", 10)).contains(ByteRange.Result.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=0-", 0)).contains(ByteRange.Result.UNSATISFIABLE);
    }

    @Test
    void whatThisDoesNotServeIsIgnoredSoTheWholeFileIsSent() {
        for (String header : new String[]{null, "items=0-1", "bytes=0-1,4-5", "bytes=5-2", "bytes=x-", "bytes=3"}) {
            assertThat(ByteRange.parse(header, 10)).as(header).isEmpty();
        }
    }

    private static Optional<ByteRange> range(String header, long size) {
        return ByteRange.parse(header, size).map(ByteRange.Result::range);
    }
}
