package dev.mooring.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets, computed from the {@link RunResult}s of one JMH run so numbers and ratios always come from
 * the same measurements: apply-all as a multiple of the bare-JDBC floor (target: Mooring at most 1.2x), and the
 * no-op migrate as a fraction of Flyway's (target: at most 0.20). Printed as Markdown. Immutable.
 */
public final class RatioTable {
    static final double APPLY_TARGET = 1.2;
    static final double NO_OP_TARGET = 0.20;

    private record Key(String benchmark, String database, String contender) {
    }

    private final Map<Key, Result<?>> scores;

    private RatioTable(Map<Key, Result<?>> scores) {
        this.scores = scores;
    }

    public static RatioTable of(Collection<RunResult> results) {
        Map<Key, Result<?>> scores = new HashMap<>();
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            benchmark = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            scores.put(new Key(benchmark, r.getParams().getParam("database"), r.getParams().getParam("contender")),
                    r.getPrimaryResult());
        }
        return new RatioTable(scores);
    }

    /** The tables, as Markdown; a missing measurement (a filtered or failed run) shows as "n/a". */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Apply all migrations to a fresh database (SingleShotTime, ms: mean ± 99.9% CI; min)\n\n");
        sb.append("| database | Mooring | Flyway | floor | Mooring/floor | Flyway/floor | target Mooring ≤ ")
                .append(APPLY_TARGET).append("× floor |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (String db : List.of("sqlite", "postgresql")) {
            Result<?> mooring = scores.get(new Key("applyAll", db, "mooring"));
            Result<?> flyway = scores.get(new Key("applyAll", db, "flyway"));
            Result<?> floor = scores.get(new Key("applyAll", db, "floor"));
            if (mooring == null && flyway == null && floor == null) {
                continue;
            }
            Double mooringRatio = ratio(mooring, floor);
            sb.append("| ").append(db).append(" | ").append(cell(mooring)).append(" | ").append(cell(flyway)).append(" | ")
                    .append(cell(floor)).append(" | ").append(times(mooringRatio)).append(" | ")
                    .append(times(ratio(flyway, floor))).append(" | ").append(verdict(mooringRatio, APPLY_TARGET)).append(" |\n");
        }
        sb.append("\nmigrate with everything already applied (AverageTime, ms/op: mean ± 99.9% CI; min iteration)\n\n");
        sb.append("| database | Mooring | Flyway | Mooring/Flyway | target ≤ ").append(NO_OP_TARGET).append(" |\n");
        sb.append("|---|---|---|---|---|\n");
        for (String db : List.of("sqlite", "postgresql")) {
            Result<?> mooring = scores.get(new Key("noOpMigrate", db, "mooring"));
            Result<?> flyway = scores.get(new Key("noOpMigrate", db, "flyway"));
            if (mooring == null && flyway == null) {
                continue;
            }
            Double r = ratio(mooring, flyway);
            sb.append("| ").append(db).append(" | ").append(cell(mooring)).append(" | ").append(cell(flyway)).append(" | ")
                    .append(r == null ? "n/a" : format(r)).append(" | ").append(verdict(r, NO_OP_TARGET)).append(" |\n");
        }
        return sb.toString();
    }

    private static Double ratio(Result<?> a, Result<?> b) {
        return a == null || b == null ? null : a.getScore() / b.getScore();
    }

    private static String cell(Result<?> r) {
        if (r == null) {
            return "n/a";
        }
        String error = Double.isNaN(r.getScoreError()) ? "" : " ± " + format(r.getScoreError());
        return format(r.getScore()) + error + "; min " + format(r.getStatistics().getMin());
    }

    private static String times(Double ratio) {
        return ratio == null ? "n/a" : format(ratio) + "×";
    }

    private static String verdict(Double ratio, double target) {
        return ratio == null ? "n/a" : ratio <= target ? "met" : "**missed**";
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
