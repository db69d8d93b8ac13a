package dev.mooring.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
