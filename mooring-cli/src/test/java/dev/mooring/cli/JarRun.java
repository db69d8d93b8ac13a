package dev.mooring.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The outcome of one run of the real shaded jar, {@code java -jar mooring.jar …}, as a user runs it. */
record JarRun(int code, String output) {
    /**
     * Runs the jar in {@code dir} with standard error merged into the output. The environment has no
     * {@code MOORING_*} variables nor {@code DATABASE_URL} but those in {@code env}; {@code input}, unless
     * {@code null}, is written to standard input.
     */
    static JarRun of(Path dir, Map<String, String> env, String input, String... args) throws Exception {
        Path jar = Path.of("target", "mooring.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("MOORING_") || k.equals("DATABASE_URL"));
        builder.environment().putAll(env);
        return finish(builder.start(), input);
    }

    /** Writes {@code input} (unless {@code null}) to {@code p}, reads its output and waits for it to end. */
    static JarRun finish(Process p, String input) throws Exception {
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new JarRun(p.exitValue(), output);
    }
}
