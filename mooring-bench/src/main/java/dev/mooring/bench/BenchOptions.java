package dev.mooring.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs from a command line. */
final class BenchOptions {
    private BenchOptions() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
