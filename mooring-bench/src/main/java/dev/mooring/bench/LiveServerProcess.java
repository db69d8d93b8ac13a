package dev.mooring.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LiveServerMain} child process, seen from the benchmark: its address, and its answers to {@code HEAP} and
 * {@code WAITING}. Its standard error goes to ours. Not thread-safe; {@link #close()} ends its input, which stops it.
 */
final class LiveServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final URI uri;

    private LiveServerProcess(String name, Process process) throws IOException {
        this.name = name;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start (it said " + line + "; its errors are above)");
        }
        this.uri = URI.create("http://127.0.0.1:" + Integer.parseInt(line.substring(10).strip()));
    }

    /**
     * Starts a server on {@code databaseUrl} with a pool of {@code poolSize} connections, in a JVM run with
     * {@code jvmOptions} and the class path this class came from (the shaded benchmarks jar).
     */
    static LiveServerProcess start(String name, String databaseUrl, int poolSize, List<String> jvmOptions)
            throws Exception {
        Path jar = Path.of(LiveServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", jar.toString(),
                LiveServerMain.class.getName(), databaseUrl, Integer.toString(poolSize)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new LiveServerProcess(name, process);
    }

    String name() {
        return name;
    }

    URI uri() {
        return uri;
    }

    long pid() {
        return process.pid();
    }

    /** The live clients waiting at the server now. */
    int waiting() throws IOException {
        String line = ask("WAITING");
        if (!line.startsWith("WAITING ")) {
            throw new IllegalStateException(name + " answered WAITING with: " + line);
        }
        return Integer.parseInt(line.substring(8).strip());
    }

    /** Its memory, after a full collection. */
    LiveServerMain.Heap heap() throws IOException {
        return LiveServerMain.Heap.parse(ask("HEAP"));
    }

    private String ask(String command) throws IOException {
        in.println(command);
        String line = out.readLine();
        if (line == null) {
            throw new IllegalStateException(name + " ended (its errors are above)");
        }
        return line;
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            System.err.println("  " + name + " did not stop within 15 s of its input ending; killing it");
            process.destroyForcibly().waitFor();
        }
    }
}
