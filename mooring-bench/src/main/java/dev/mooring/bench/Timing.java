package dev.mooring.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Wall-clock rounds of several contenders, rotated so that drift hits all alike, and their Markdown table. */
final class Timing {
    final List<Double> seconds = new ArrayList<>();
    long fileBytes;

    double median() {
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The {@code p}-quantile ({@code 0 < p <= 1}) by nearest rank: p99 of 20 values is the largest. */
    double percentile(double p) {
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return sorted.get((int) Math.max(0, Math.ceil(p * sorted.size()) - 1));
    }

    double min() {
        return Collections.min(seconds);
    }

    double max() {
        return Collections.max(seconds);
    }

    static Map<String, Timing> measure(Map<String, Callable<Long>> contenders, int rounds) throws Exception {
        return measure(contenders, rounds, () -> { });
    }

    /** One warm-up round, then {@code rounds} measured ones; {@code cleanup} runs after every round. */
    static Map<String, Timing> measure(Map<String, Callable<Long>> contenders, int rounds, Runnable cleanup)
            throws Exception {
        return measure(contenders, rounds, () -> { }, cleanup);
    }

    /** As above, and {@code before} runs, untimed, before every contender's turn (for example to settle the disk). */
    static Map<String, Timing> measure(Map<String, Callable<Long>> contenders, int rounds, Runnable before,
                                       Runnable cleanup) throws Exception {
        Map<String, Timing> timings = new LinkedHashMap<>();
        contenders.keySet().forEach(k -> timings.put(k, new Timing()));
        List<String> order = new ArrayList<>(contenders.keySet());
        for (int round = 0; round <= rounds; round++) {
            Collections.rotate(order, 1);
            for (String name : order) {
                before.run();
                long start = System.nanoTime();
                long bytes = contenders.get(name).call();
                double s = (System.nanoTime() - start) / 1e9;
                if (round > 0) {
                    timings.get(name).seconds.add(s);
                    timings.get(name).fileBytes = bytes;
                }
                System.err.printf("  round %d %-36s %7.2f s%n", round, name, s);
            }
            cleanup.run();
        }
        return timings;
    }

    /**
     * A table of medians. Throughput is the same byte count over each contender's time, so it compares like with
     * like; "speed vs X" is X's time over the contender's (above 1: faster than X).
     */
    static String table(Map<String, Timing> timings, long bytes, String anchor, String floor) {
        double anchorTime = timings.get(anchor).median();
        double floorTime = floor == null ? 0 : timings.get(floor).median();
        StringBuilder t = new StringBuilder("| contender | median s | MB/s | speed vs " + anchor + " |"
                + (floor == null ? "" : " share of " + floor + " speed |") + " file MB |\n|---|---|---|---|"
                + (floor == null ? "" : "---|") + "---|\n");
        for (Map.Entry<String, Timing> e : timings.entrySet()) {
            double m = e.getValue().median();
            t.append(String.format("| %s | %.2f | %.0f | %.2f× |", e.getKey(), m, bytes / 1e6 / m, anchorTime / m));
            if (floor != null) {
                t.append(String.format(" %.2f |", floorTime / m));
            }
            t.append(e.getValue().fileBytes == 0 ? " – |\n" : String.format(" %.0f |%n", e.getValue().fileBytes / 1e6));
        }
        return t.toString();
    }

    /**
     * Like {@link #table}, with the spread: min / median / max seconds over the measured rounds, MB/s at the median,
     * and speed against {@code anchor} and {@code floor} (their median time over the contender's).
     */
    static String spreadTable(Map<String, Timing> timings, long bytes, String anchor, String floor) {
        double anchorTime = timings.get(anchor).median();
        double floorTime = timings.get(floor).median();
        StringBuilder t = new StringBuilder("| contender | s, min / median / max | MB/s (median) | speed vs " + anchor
                + " | speed vs " + floor + " | stored MB |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Timing> e : timings.entrySet()) {
            Timing timing = e.getValue();
            double m = timing.median();
            t.append(String.format(Locale.ROOT, "| %s | %.2f / %.2f / %.2f | %.0f | %.2f× | %.2f× |", e.getKey(),
                    timing.min(), m, timing.max(), bytes / 1e6 / m, anchorTime / m, floorTime / m));
            t.append(timing.fileBytes == 0 ? " – |\n" : String.format(Locale.ROOT, " %.0f |%n", timing.fileBytes / 1e6));
        }
        return t.toString();
    }
}
