package dev.mooring.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A drift-resistant cross-check of the apply ratios. On a virtual disk whose fsync cost drifts by 2x over minutes,
 * JMH's one-fork-per-contender runs measure each contender at a different time, so a ratio of two forks carries
 * that drift. Here every round applies the migrations once per contender, back to back in one JVM, in an order
 * that rotates each round; the ratio is taken within each round, and the median over rounds is reported. Warm-up
 * rounds are discarded. Usage:
 * <pre>
 * java -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.PairedApply
 *      [--database sqlite|postgresql] [--rounds 7] [--warmup 2] [--migrations 1000] [--contenders floor,mooring]
 * </pre>
 */
public final class PairedApply {
    private PairedApply() {
    }

    public static void main(String[] args) throws Exception {
        List<Workspace.Kind> kinds = List.of(Workspace.Kind.values());
        int rounds = 7;
        int warmup = 2;
        int count = 1000;
        List<Contender> contenders = List.of(Contender.FLOOR, Contender.MOORING);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--database" -> kinds = List.of(Workspace.Kind.named(args[i + 1]));
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--migrations" -> count = Integer.parseInt(args[i + 1]);
                case "--contenders" -> contenders = Arrays.stream(args[i + 1].split(",")).map(Contender::named).toList();
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (!contenders.contains(Contender.FLOOR)) {
            throw new IllegalArgumentException("--contenders must include floor: ratios are taken against it");
        }
        StringBuilder table = new StringBuilder("| database | contender | median ms | median ratio to floor (per round) | "
                + "ratios per round |\n|---|---|---|---|---|\n");
        for (Workspace.Kind kind : kinds) {
            Map<Contender, List<Double>> millis = measure(kind, contenders, rounds, warmup, count);
            for (Contender c : contenders) {
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    ratios.add(millis.get(c).get(r) / millis.get(Contender.FLOOR).get(r));
                }
                table.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f× | %s |%n", kind.name().toLowerCase(Locale.ROOT),
                        c.label(), median(millis.get(c)), median(ratios),
                        String.join(" ", ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList())));
            }
        }
        System.out.println();
        System.out.println("Paired apply, " + count + " migrations, " + rounds + " rounds after " + warmup + " warm-up rounds");
        System.out.println();
        System.out.print(table);
    }

    private static Map<Contender, List<Double>> measure(Workspace.Kind kind, List<Contender> contenders, int rounds, int warmup,
                                                        int count) throws Exception {
        Map<Contender, List<Double>> millis = new EnumMap<>(Contender.class);
        contenders.forEach(c -> millis.put(c, new ArrayList<>()));
        try (Workspace workspace = Workspace.open(kind, count)) {
            for (int round = 0; round < warmup + rounds; round++) {
                for (int k = 0; k < contenders.size(); k++) {
                    // Rotate who goes first, so no contender always follows the same neighbour.
                    Contender c = contenders.get((k + round) % contenders.size());
                    try (Workspace.FreshDatabase target = workspace.freshDatabase()) {
                        Contender.Run run = c.prepare(target.dataSource(), workspace.migrations());
                        Workspace.settleDisk();
                        long start = System.nanoTime();
                        int applied = run.migrate();
                        double ms = (System.nanoTime() - start) / 1e6;
                        if (applied != count) {
                            throw new IllegalStateException(c.label() + " applied " + applied + " of " + count);
                        }
                        System.out.printf(Locale.ROOT, "%s round %d%s %s: %.0f ms%n", kind, round, round < warmup ? " (warm-up)" : "",
                                c.label(), ms);
                        if (round >= warmup) {
                            millis.get(c).add(ms);
                        }
                    }
                }
            }
        }
        return millis;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
