package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups on a schedule with the real jar: {@code backup --every} until SIGTERM, and {@code server --backup-every}
 * into an S3 bucket (S3Proxy) with the schedule's state in {@code GET /v1/health}, read on the loopback admin port.
 */
class ScheduledBackupJarIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    @BeforeEach
    void migrations() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("db/migration"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id integer primary key, body text);\n");
    }

    Process start(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "mooring.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("MOORING_") || k.equals("DATABASE_URL"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Reads lines of {@code process} until {@code count} of them match {@code pattern}; every line read is kept. */
    static List<Matcher> await(BufferedReader out, StringBuilder seen, String pattern, int count) throws Exception {
        List<Matcher> found = new ArrayList<>();
        for (String line; found.size() < count && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = Pattern.compile(pattern).matcher(line);
            if (m.find()) {
                found.add(m);
            }
        }
        assertThat(found).as("%d lines matching %s in:%n%s", count, pattern, seen).hasSize(count);
        return found;
    }

    static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM, as a service manager stops it
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    static List<String> files(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void backupEveryKeepsTakingVerifiedBackupsPrunesAfterEachAndReportsAFailedRunWithoutStopping() throws Exception {
        assertThat(JarRun.of(dir, Map.of(), null, "migrate", "--url", "app.db").code()).isZero();
        BackupCliTest.sql(dir.resolve("app.db").toString(), "INSERT INTO notes VALUES (1, 'one')");

        Process p = start(Map.of(), "backup", "--url", "app.db", "--dir", "dumps", "--every", "1s", "--verify",
                "--keep-days", "0", "--keep-last", "1");
        StringBuilder seen = new StringBuilder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            await(out, seen, "^Backing up .*app\\.db to .*dumps every 1s, verified by a restore, keeping 0 days and"
                    + " the last 1 verified; the first backup now \\(Ctrl\\+C stops\\)", 1);
            List<Matcher> ok = await(out, seen, " backup ok: (app_\\S+\\.sqlite\\.zst) in \\S+ \\(verified, pruned (\\d+),", 3);
            assertThat(ok.get(0).group(2)).isEqualTo("0");
            assertThat(ok.get(2).group(2)).as("each run deletes the one before").isEqualTo("1");
            // the last line was printed after pruning: the folder holds that backup alone, or it and the next one
            assertThat(files(dir.resolve("dumps"))).contains(ok.get(2).group(1), ok.get(2).group(1) + ".manifest.json")
                    .hasSizeLessThanOrEqualTo(4);

            Files.move(dir.resolve("app.db"), dir.resolve("away.db"));
            await(out, seen, " backup FAILED \\(exit 3\\): There is no SQLite database at .*app\\.db.*; next attempt at ", 2);
            assertThat(p.isAlive()).isTrue();
        } finally {
            stop(p);
        }
        assertThat(files(dir.resolve("dumps")).stream().filter(f -> f.endsWith(".manifest.json")))
                .as("a failed run prunes nothing: the last good backup stays").hasSize(1);
    }

    @Test
    void scheduleOptionsWithoutTheScheduleAreRefused() throws Exception {
        JarRun server = JarRun.of(dir, Map.of(), null, "server", "--port", "0", "--backup-to", "s3://bucket/x", "--verify");
        JarRun keepLast = JarRun.of(dir, Map.of(), null, "backup", "--url", "app.db", "--keep-last", "2");

        assertThat(server.code()).as(server.output()).isEqualTo(2);
        assertThat(server.output()).contains("--backup-to, --verify configure scheduled backups: add --backup-every");
        assertThat(dir.resolve("mooring-data")).doesNotExist();
        assertThat(keepLast.code()).as(keepLast.output()).isEqualTo(2);
        assertThat(keepLast.output()).contains("--keep-last applies with --keep-days");
    }

    @Test
    void theServerBacksUpIntoABucketOnScheduleAndItsHealthAndMetricsSayHowTheBackupsGo() throws Exception {
        String bucket = S3.createBucket();
        // an OpenTelemetry collector's OTLP/HTTP endpoint: a real HTTP server that keeps what it is sent
        List<byte[]> pushed = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/metrics", exchange -> {
            pushed.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Process server = start(S3.environment(), "server", "--port", "0", "--admin-port", "0", "--json", "--backup-every", "2s",
                "--backup-to", "s3://" + bucket + "/server", "--s3-endpoint", S3.endpoint().toString(), "--s3-path-style",
                "--keep-days", "0", "--keep-last", "1", "--otlp-url", "http://127.0.0.1:" + collector.getAddress().getPort()
                        + "/v1/metrics", "--otlp-every", "1s");
        StringBuilder seen = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            JsonNode started = json.readTree(await(out, seen, "^\\{.*\"listening\".*\\}$", 1).get(0).group());
            List<Matcher> runs = await(out, seen, "^\\{\"backup\":.*\\}$", 2);
            JsonNode second = json.readTree(runs.get(1).group()).get("backup");
            assertThat(second.get("run").get("succeeded").asBoolean()).as(seen.toString()).isTrue();
            String file = second.get("run").get("file").asText();
            assertThat(file).matches("reminders_.*\\.sql\\.zst");

            List<String> keys = S3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
            assertThat(keys).contains("server/" + file, "server/" + file + ".manifest.json");
            assertThat(seen.toString()).doesNotContain(S3ProxyExtension.ACCESS_KEY);

            // the token command as the server printed it, run by a shell
            ProcessBuilder shell = new ProcessBuilder("sh", "-c", "exec " + started.get("createToken").asText())
                    .directory(dir.toFile()).redirectErrorStream(true);
            shell.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                    + shell.environment().getOrDefault("PATH", ""));
            JarRun token = JarRun.finish(shell.start(), null);
            Matcher issued = Pattern.compile("mt_[A-Za-z0-9_-]{43}").matcher(token.output());
            assertThat(issued.find()).as(token.output()).isTrue();
            HttpResponse<String> asUser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(started.get("listening").asText() + "/health"))
                    .header("Authorization", "Bearer " + issued.group()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(asUser.statusCode()).isEqualTo(403);
            assertThat(asUser.body()).contains("needs an admin token; create one with mooring token create --admin");
            // the loopback admin port needs no token
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(started.get("admin").asText() + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            JsonNode backup = json.readTree(health.body()).get("checks").get("backup");
            assertThat(backup.get("healthy").asBoolean()).as(health.body()).isTrue();
            assertThat(backup.get("detail").get("state").asText()).isEqualTo("ok");
            assertThat(backup.get("detail").get("exitCode").asInt()).isZero();
            assertThat(backup.get("detail").get("location").asText()).startsWith("s3://" + bucket + "/server at ");
            assertThat(backup.get("summary").asText()).startsWith("ok, last backup ");
            // the dashboard the start line names shows the same check
            assertThat(started.get("dashboard").asText()).isEqualTo(started.get("admin").asText() + "/admin");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(started.get("dashboard").asText())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            HttpResponse<String> figures = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(started.get("admin").asText() + "/v1/admin/dashboard")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(figures.body()).at("/health/checks/backup/healthy").asBoolean())
                    .as(figures.body()).isTrue();

            // the same in Prometheus text on the admin port (no token on loopback), with the pool's metrics
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(started.get("admin").asText() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
            assertThat(metrics.body()).containsPattern("mooring_backup_runs_total\\{result=\"ok\"} [2-9]")
                    .contains("mooring_backup_healthy 1.0").contains("mooring_backup_consecutive_failures 0.0")
                    .contains("mooring_http_requests_seconds_count{method=\"GET\",route=\"/v1/health\",status=\"403\"} 1")
                    .contains("hikaricp_connections_max{pool=\"mooring-server\"}").contains("jvm_memory_used_bytes")
                    .doesNotContain(issued.group()).doesNotContain(S3ProxyExtension.ACCESS_KEY);
            // and pushed over OTLP every second, under Micrometer's dotted names
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pushed.stream().noneMatch(b -> new String(b, StandardCharsets.ISO_8859_1).contains("mooring.backup.runs"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(pushed).as("OTLP pushes with mooring.backup.runs").anyMatch(b -> new String(b,
                    StandardCharsets.ISO_8859_1).contains("mooring.backup.runs"));
            assertThat(pushed).anyMatch(b -> new String(b, StandardCharsets.ISO_8859_1).contains("mooring-server"));
        } finally {
            stop(server);
            collector.stop(0);
        }
    }
}
