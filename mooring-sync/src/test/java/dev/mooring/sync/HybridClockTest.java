package dev.mooring.sync;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HybridClockTest {
    private static final long T0 = 1_763_745_600_000L;
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final AtomicLong wall = new AtomicLong(T0);

    private HybridClock clock(String nodeId) {
        return HybridClock.create(nodeId, wall::get, SKEW);
    }

    @Property(tries = 300)
    void nowIsStrictlyIncreasingEvenWhenTheWallClockGoesBack(
            @ForAll @Size(min = 1, max = 200) List<@LongRange(min = T0 - 1000, max = T0 + 1000) Long> readings) {
        HybridClock clock = clock("a");
        Hlc previous = clock.peek();
        for (long reading : readings) {
            wall.set(reading);
            Hlc next = clock.now();
            assertThat(next).isGreaterThan(previous);
            assertThat(next.physicalMs()).isGreaterThanOrEqualTo(reading);
            assertThat(next.nodeId()).isEqualTo("a");
            assertThat(clock.peek()).isEqualTo(next);
            previous = next;
        }
    }

    @Test
    void nowFollowsTheWallClockWhenItMovesOn() {
        HybridClock clock = clock("a");
        assertThat(clock.now()).isEqualTo(Hlc.of(T0, 0, "a"));
        assertThat(clock.now()).isEqualTo(Hlc.of(T0, 1, "a"));
        wall.set(T0 + 7);
        assertThat(clock.now()).isEqualTo(Hlc.of(T0 + 7, 0, "a"));
        wall.set(T0 - 100);
        assertThat(clock.now()).isEqualTo(Hlc.of(T0 + 7, 1, "a"));
    }

    record Event(boolean receive, long wallMs, Hlc remote) {
    }

    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<Long> wallMs = Arbitraries.longs().between(T0 - 1000, T0 + 1000);
        Arbitrary<Hlc> remote = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.longs().between(T0 - 1000, T0 + 1000),
                        Arbitraries.longs().between(T0, T0 + 2 * SKEW.toMillis())),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(Hlc.MAX_COUNTER - 2, Hlc.MAX_COUNTER)),
                Arbitraries.of("a", "b", "zz")).as(Hlc::new);
        return Combinators.combine(Arbitraries.of(true, false), wallMs, remote).as(Event::new).list().ofMaxSize(100);
    }

    @Property(tries = 300)
    void receiveIsAfterBothTheLocalAndTheRemoteTime(@ForAll("events") List<Event> events) {
        HybridClock clock = clock("b");
        long highestWall = 0;
        for (Event event : events) {
            wall.set(event.wallMs());
            highestWall = Math.max(highestWall, event.wallMs());
            Hlc before = clock.peek();
            if (!event.receive()) {
                assertThat(clock.now()).isGreaterThan(before);
                continue;
            }
            HybridClock.Receipt receipt = clock.receive(event.remote());
            assertThat(receipt.local()).isGreaterThan(before).isEqualTo(clock.peek());
            assertThat(receipt.local().physicalMs()).isGreaterThanOrEqualTo(event.wallMs());
            // Strictly after, even against a remote with the same node id: the counter decides.
            assertThat(receipt.local().physicalMs() * 1_000_000L + receipt.local().counter())
                    .isGreaterThan(receipt.effectiveRemote().physicalMs() * 1_000_000L
                            + receipt.effectiveRemote().counter());
            assertThat(receipt.skewMs()).isEqualTo(event.remote().physicalMs() - event.wallMs());
            assertThat(receipt.clamped()).isEqualTo(receipt.skewMs() > SKEW.toMillis());
            if (!receipt.clamped()) {
                assertThat(receipt.effectiveRemote()).isEqualTo(event.remote());
                assertThat(receipt.local()).isGreaterThan(event.remote());
            }
            // Clamping keeps the clock near real time: at most the skew (and one overflow millisecond) ahead.
            assertThat(receipt.local().physicalMs()).isLessThanOrEqualTo(highestWall + SKEW.toMillis() + 1);
        }
    }

    @Test
    void receiveFollowsTheHlcRules() {
        HybridClock clock = clock("b");
        clock.now(); // T0, 0
        // Remote ahead of both: take its time, its counter + 1.
        assertThat(clock.receive(Hlc.of(T0 + 10, 4, "a")).local()).isEqualTo(Hlc.of(T0 + 10, 5, "b"));
        // Remote at the same physical time: the larger counter + 1.
        assertThat(clock.receive(Hlc.of(T0 + 10, 9, "a")).local()).isEqualTo(Hlc.of(T0 + 10, 10, "b"));
        assertThat(clock.receive(Hlc.of(T0 + 10, 2, "a")).local()).isEqualTo(Hlc.of(T0 + 10, 11, "b"));
        // Remote behind: the local counter + 1.
        assertThat(clock.receive(Hlc.of(T0 - 50, 70, "a")).local()).isEqualTo(Hlc.of(T0 + 10, 12, "b"));
        // Wall clock ahead of both: the wall clock, counter 0.
        wall.set(T0 + 20);
        HybridClock.Receipt receipt = clock.receive(Hlc.of(T0 + 15, 3, "a"));
        assertThat(receipt.local()).isEqualTo(Hlc.of(T0 + 20, 0, "b"));
        assertThat(receipt.skewMs()).isEqualTo(-5);
        assertThat(receipt.clamped()).isFalse();
        assertThat(receipt.effectiveRemote()).isEqualTo(Hlc.of(T0 + 15, 3, "a"));
    }

    @Test
    void aRemoteClockTooFarAheadIsClampedAndTheSkewRecorded() {
        HybridClock clock = clock("b");
        long oneHour = Duration.ofHours(1).toMillis();
        HybridClock.Receipt receipt = clock.receive(Hlc.of(T0 + oneHour, 7, "a"));
        long limit = T0 + SKEW.toMillis();
        assertThat(receipt.clamped()).isTrue();
        assertThat(receipt.skewMs()).isEqualTo(oneHour);
        assertThat(receipt.effectiveRemote()).isEqualTo(Hlc.of(limit, 7, "a"));
        assertThat(receipt.local()).isEqualTo(Hlc.of(limit, 8, "b"));
        assertThat(clock.now()).isEqualTo(Hlc.of(limit, 9, "b"));

        // Exactly at the limit is tolerated.
        HybridClock other = clock("c");
        HybridClock.Receipt atLimit = other.receive(Hlc.of(limit, 1, "a"));
        assertThat(atLimit.clamped()).isFalse();
        assertThat(atLimit.effectiveRemote()).isEqualTo(Hlc.of(limit, 1, "a"));
        assertThat(atLimit.skewMs()).isEqualTo(SKEW.toMillis());
    }

    @Test
    void counterOverflowAdvancesThePhysicalTime() {
        HybridClock clock = clock("b");
        HybridClock.Receipt receipt = clock.receive(Hlc.of(T0, Hlc.MAX_COUNTER, "a"));
        assertThat(receipt.local()).isEqualTo(Hlc.of(T0 + 1, 0, "b"));
        assertThat(clock.now()).isEqualTo(Hlc.of(T0 + 1, 1, "b"));

        HybridClock local = clock("c");
        local.receive(Hlc.of(T0, Hlc.MAX_COUNTER - 1, "a"));
        assertThat(local.peek()).isEqualTo(Hlc.of(T0, Hlc.MAX_COUNTER, "c"));
        assertThat(local.now()).isEqualTo(Hlc.of(T0 + 1, 0, "c"));
    }

    @Test
    void peekDoesNotAdvanceAndStartsAtZero() {
        HybridClock clock = clock("node-1");
        assertThat(clock.peek()).isEqualTo(Hlc.of(0, 0, "node-1"));
        Hlc issued = clock.now();
        assertThat(clock.peek()).isEqualTo(issued);
        assertThat(clock.peek()).isEqualTo(issued);
        assertThat(clock.nodeId()).isEqualTo("node-1");
        assertThat(clock.maxForwardSkew()).isEqualTo(SKEW);
    }

    @Test
    void theSystemClockFollowsTheWallClockWithTheDefaultSkew() {
        HybridClock clock = HybridClock.system("s");
        long before = System.currentTimeMillis();
        Hlc now = clock.now();
        assertThat(now.physicalMs()).isGreaterThanOrEqualTo(before);
        assertThat(clock.maxForwardSkew()).isEqualTo(HybridClock.DEFAULT_MAX_SKEW).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void createRejectsABadSkewOrNodeId() {
        assertThatThrownBy(() -> HybridClock.create("a", wall::get, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxForwardSkew");
        assertThatThrownBy(() -> HybridClock.create("a", wall::get, Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
        assertThatThrownBy(() -> HybridClock.create("a b", wall::get, SKEW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeId");
        assertThatThrownBy(() -> HybridClock.system(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("nodeId");
    }

    @Test
    void nowNeverIssuesTheSameTimestampTwiceAcrossThreads() throws Exception {
        HybridClock clock = clock("t");
        int threads = 8;
        int perThread = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Hlc>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Hlc> issued = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        issued.add(clock.now());
                    }
                    return issued;
                }));
            }
            start.countDown();
            Set<Hlc> all = new HashSet<>();
            for (Future<List<Hlc>> future : futures) {
                List<Hlc> issued = future.get();
                assertThat(issued).isSorted();
                all.addAll(issued);
            }
            assertThat(all).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
