package dev.mooring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The whole number given as {@code name}, or {@code fallback}. */
    static int number(Map<String, String> options, String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    /** Prints a bench's Markdown report, and writes it to the file given as {@code --markdown} if any. */
    static void publish(Map<String, String> options, CharSequence report) throws IOException {
        System.out.println(report);
        if (options.containsKey("--markdown")) {
            Files.writeString(Path.of(options.get("--markdown")), report);
        }
    }
}
