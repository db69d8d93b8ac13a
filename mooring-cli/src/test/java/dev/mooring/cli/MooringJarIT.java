package dev.mooring.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the real shaded jar the way a user does: {@code java -jar mooring.jar …}. */
class MooringJarIT {
    @TempDir
    Path dir;

    record Result(int code, String output) {
    }

    Result run(String... args) throws Exception {
        return run(Map.of(), null, args);
    }

    /** Runs the jar with extra environment variables and, unless {@code null}, {@code input} on standard input. */
    Result run(Map<String, String> env, String input, String... args) throws Exception {
        JarRun r = JarRun.of(dir, env, input, args);
        return new Result(r.code(), r.output());
    }

    /** The jar run with {@code args}, as a command line for {@link #shell}. */
    static String jarCommand(String... args) {
        return "java -jar " + Path.of("target", "mooring.jar").toAbsolutePath() + " " + String.join(" ", args);
    }

    /**
     * Runs {@code commandLine} with {@code sh -c} in the test folder, as a person pastes it into a shell, with this
     * JVM's {@code java} first on the PATH; {@code input}, unless {@code null}, on standard input.
     */
    Result sh(String commandLine, String input) throws Exception {
        JarRun r = JarRun.finish(shell(commandLine), input);
        return new Result(r.code(), r.output());
    }

    /** Starts {@code commandLine} as {@link #sh} does, without waiting for it. */
    Process shell(String commandLine) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "exec " + commandLine).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("MOORING_") || k.equals("DATABASE_URL"));
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + builder.environment().getOrDefault("PATH", ""));
        return builder.start();
    }

    /**
     * Reads {@code process}'s output up to the first line that {@code pattern} finds something in, which must come no
     * later than the server's start-up line (its text or JSON), so that a missing line fails instead of waiting.
     */
    static java.util.regex.Matcher awaitLine(Process process, String pattern) throws Exception {
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(pattern).matcher(line);
            if (m.find()) {
                return m;
            }
            if (line.startsWith("Serving ") || line.contains("\"listening\"")) {
                break;
            }
        }
        throw new AssertionError("no line matching " + pattern + " in:\n" + seen);
    }

    /** The one command line in {@code output}, on a line of its own, that starts the program and holds {@code what}. */
    static String printed(String output, String what) {
        List<String> found = output.lines().map(String::strip).filter(l -> l.startsWith("java -jar "))
                .filter(l -> l.contains(what)).toList();
        assertThat(found).as("a printed command with '" + what + "' in:\n" + output).hasSize(1);
        return found.get(0);
    }

    static void stop(Process server) throws Exception {
        server.destroy(); // SIGTERM: the server stops gracefully
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void quickstartPrintsNoEscapeCodesAndEveryCommandItPrintsRunsAsPrinted() throws Exception {
        Result quickstart = run("quickstart"); // standard output is a pipe, not a terminal
        assertThat(quickstart.code()).as(quickstart.output()).isZero();
        TerminalSafeOutputTest.assertNoControlCharacters(quickstart.output());
        assertThat(quickstart.output()).doesNotContain("[0m");

        Result info = sh(printed(quickstart.output(), " info "), null);
        Result status = sh(printed(quickstart.output(), " sync status "), null);
        Process server = shell(printed(quickstart.output(), " server"));
        try {
            awaitLine(server, "Serving .* at http://");
            Result token = sh(printed(quickstart.output(), " token create "), null);
            java.util.regex.Matcher issued = java.util.regex.Pattern.compile("mt_[A-Za-z0-9_-]{43}")
                    .matcher(token.output());
            assertThat(token.code()).as(token.output()).isZero();
            assertThat(issued.find()).as(token.output()).isTrue();
            assertThat(token.output()).contains("mooring server is running");
            Result synced = sh(printed(quickstart.output(), " sync --db "), issued.group() + "\n");

            assertThat(info.code()).as(info.output()).isZero();
            assertThat(info.output()).contains("pending 0");
            assertThat(status.code()).as(status.output()).isZero();
            assertThat(synced.code()).as(synced.output()).isZero();
            assertThat(synced.output()).contains("Synced mooring-data/phone.db");
        } finally {
            stop(server);
        }
    }

    @Test
    void theEmbeddedServerKeepsItsPortItsHintRunsAsPrintedAndQuickstartWaitsForIt() throws Exception {
        Process first = shell(jarCommand("server", "--port", "0"));
        String firstHint;
        try {
            firstHint = awaitLine(first, "Create a token .* with: (.*)$").group(1);
            Result created = sh(firstHint, null);
            assertThat(created.code()).as(created.output()).isZero();
            assertThat(created.output()).containsPattern("mt_[A-Za-z0-9_-]{43}");

            Result quickstart = run("quickstart");
            assertThat(quickstart.code()).as(quickstart.output()).isEqualTo(13);
            assertThat(quickstart.output()).contains("a mooring server").contains("Ctrl+C")
                    .contains("quickstart --data-dir");
            Result second = run("server", "--port", "0");
            assertThat(second.code()).as(second.output()).isEqualTo(13);
            assertThat(second.output()).contains("already running").doesNotContain("epg-lock");
        } finally {
            stop(first);
        }
        Process again = shell(jarCommand("server", "--port", "0", "--json"));
        try {
            JsonNode started = new ObjectMapper().readTree(awaitLine(again, "^\\{.*\"listening\".*\\}$").group());
            assertThat(started.get("listening").asText()).matches("http://localhost:\\d+/v1");
            assertThat(started.get("port").asInt()).isPositive();
            assertThat(started.get("tables")).hasSize(6);
            assertThat(started.get("createToken").asText()).isEqualTo(firstHint);
            assertThat(started.get("database").asText()).contains("/reminders");
        } finally {
            stop(again);
        }
    }

    @Test
    void aServerOnABusyPortPrintsOnlyMooringsMessageNamingThePortAndTheFix() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result second = run("server", "--port", Integer.toString(busy.getLocalPort()));

            assertThat(second.code()).as(second.output()).isEqualTo(3);
            assertThat(second.output().strip().lines()).as(second.output()).hasSize(1);
            assertThat(second.output()).startsWith("error: ").contains("port " + busy.getLocalPort())
                    .contains("--port").doesNotContain("Javalin").doesNotContain("ERROR");
            assertThat(dir.resolve("mooring-data")).doesNotExist();
        }
    }

    @Test
    void aQuickstartDeviceSyncsWithTheServerUsingTheTokenFromStandardInput() throws Exception {
        Result quickstart = run("quickstart");
        assertThat(quickstart.code()).as(quickstart.output()).isZero();
        MooringCliTest.assertTwoDevicesSettledTheirConflicts(quickstart.output());

        Path jar = Path.of("target", "mooring.jar").toAbsolutePath();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "server", "--port", "0").directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            java.util.regex.Matcher serving = null;
            StringBuilder seen = new StringBuilder();
            for (String line; serving == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("at (http://\\S+/v1) .*--url (\\S+)").matcher(line);
                if (m.find()) {
                    serving = m;
                }
            }
            assertThat(serving).as(seen.toString()).isNotNull();
            Result created = run("token", "create", "--user", "00000000-0000-4000-8000-00000000d3e0", "--json", "--url",
                    serving.group(2), "--config", Path.of("..", "examples", "reminders", "sync.yaml").toAbsolutePath().toString());
            assertThat(created.code()).as(created.output()).isZero();
            String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.output()).get("token").asText();

            // the server as mooring server prints it, the tables remembered by the quickstart's device
            Result synced = run(Map.of("MOORING_SERVER", serving.group(1)), token + "\n", "sync", "--db",
                    "mooring-data/phone.db", "--token", "-");
            Result status = run(Map.of(), null, "sync", "status", "--db", "mooring-data/phone.db", "--json");
            Result envToken = run(Map.of("MOORING_SERVER", serving.group(1), "MOORING_TOKEN", token), null, "sync",
                    "--db", "mooring-data/laptop.db", "--json");

            assertThat(synced.code()).as(synced.output()).isZero();
            assertThat(synced.output()).contains("Synced mooring-data/phone.db").contains("pending       0");
            assertThat(status.code()).as(status.output()).isZero();
            assertThat(status.output()).contains("\"pendingChanges\" : 0").contains("\"tables\" : [ \"users\", \"events\"");
            assertThat(envToken.code()).as(envToken.output()).isZero();
            assertThat(envToken.output()).contains("\"pending\" : 0");
            assertThat(synced.output() + status.output() + envToken.output()).doesNotContain(token);
        } finally {
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theServerServesTheSyncApiAndStopsGracefullyOnSigterm() throws Exception {
        Path jar = Path.of("target", "mooring.jar").toAbsolutePath();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "server", "--port", "0").directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String url = null;
            StringBuilder seen = new StringBuilder();
            for (String line; url == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("at (http://\\S+/v1)").matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertThat(url).as(seen.toString()).isNotNull();
            assertThat(seen.toString()).contains("capture triggers created for users, events");
            java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(401);
            assertThat(health.body()).contains("Authorization: Bearer");

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("mooring-data/postgres/postmaster.pid")).doesNotExist();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void theJarMigratesASqliteFileAndReportsErrorsWithExitCodes() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db/migration"));
        Files.writeString(db.resolve("001_users.sql"), "CREATE TABLE users (id integer primary key);\n");

        Result migrate = run("migrate", "--url", "app.db");
        assertThat(migrate.code()).as(migrate.output()).isZero();
        assertThat(migrate.output()).contains("to 001: 1 migration(s)");

        Result info = run("info", "--url", "app.db", "--json");
        assertThat(info.output()).contains("\"currentVersion\" : \"001\"");

        Result version = run("--version");
        assertThat(version.output()).startsWith("mooring 0.");

        Result bad = run("info", "--url", "app.db", "--locations", "nowhere");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.output()).contains("error: Migration location 'nowhere' is not a folder");
    }
}
