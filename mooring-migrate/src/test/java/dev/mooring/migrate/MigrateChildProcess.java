package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A separate JVM that migrates and announces each migration as it starts, so a test can kill it mid-way. */
public final class MigrateChildProcess {

    public static void main(String[] args) {
        DatabaseUrl url = DatabaseUrl.parse(args[0]);
        MigrationCallback announce = new MigrationCallback() {
            @Override
            public void beforeEachMigrate(Connection connection, MigrationInfo migration) {
                System.out.println("RUNNING " + migration.version());
                System.out.flush();
            }
        };
        Migrator.create(url.toDataSource(), MigrationConfig.of(args[1]).withCallbacks(announce)).migrate();
        System.out.println("DONE");
    }

    static Process start(DatabaseUrl url, Path location) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jdbc = url.jdbcUrl() + (url.user() == null ? "" : (url.jdbcUrl().contains("?") ? "&" : "?") + "user=" + url.user());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MigrateChildProcess.class.getName(),
                jdbc, location.toString()).redirectErrorStream(true).start();
    }

    static void awaitLine(Process process, String expected, Duration timeout) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    seen.append(line).append('\n');
                    if (line.equals(expected)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        if (!found.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child never printed '" + expected + "'; it printed:\n" + seen);
        }
    }
}
