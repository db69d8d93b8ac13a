package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.testing.PostgresDatabaseExtension;
import dev.mooring.testing.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups in an S3 bucket with the real jar, as a user runs it: S3Proxy in this JVM is the store, its key pair reaches
 * the jar through the standard AWS environment variables, and the bucket is looked at behind Mooring's back with a
 * plain S3 client.
 */
class S3BackupJarIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension
    static final PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    String bucket;

    @BeforeEach
    void setUp() throws Exception {
        bucket = S3.createBucket();
        Path migrations = Files.createDirectories(dir.resolve("db/migration"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id integer primary key, body text);\n");
    }

    /** The place in the bucket, with the options that reach S3Proxy. */
    List<String> at(String prefix) {
        return List.of("--dir", "s3://" + bucket + "/" + prefix, "--s3-endpoint", S3.endpoint().toString(), "--s3-path-style");
    }

    JarRun run(Map<String, String> env, List<String> place, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(place);
        return JarRun.of(dir, env, null, all.toArray(String[]::new));
    }

    JarRun run(List<String> place, String... args) throws Exception {
        return run(S3.environment(), place, args);
    }

    List<String> keys() {
        return S3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    int uploadsInProgress() {
        return S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }

    @Test
    void aSqliteBackupGoesToTheBucketAndTheNewestOneIsRestoredFromThere() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();
        BackupCliTest.sql(dir.resolve("app.db").toString(), "INSERT INTO notes VALUES (1, 'one'), (2, 'two')");

        JarRun backup = run(at("nightly"), "backup", "--url", "app.db", "--json");
        assertThat(backup.code()).as(backup.output()).isZero();
        String name = fileName(backup);
        assertThat(json(backup).path("file").asText()).isEqualTo("s3://" + bucket + "/nightly/" + name);
        assertThat(keys()).containsExactly("nightly/" + name, "nightly/" + name + ".manifest.json");
        assertThat(dir.resolve("dumps")).doesNotExist();

        JarRun verify = run(List.of("--s3-endpoint", S3.endpoint().toString(), "--s3-path-style"), "verify",
                "s3://" + bucket + "/nightly/" + name, "--restore");
        assertThat(verify.code()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("Verified s3://" + bucket + "/nightly/" + name);

        JarRun restore = run(at("nightly"), "restore", "--url", "restored.db", "--locations", "db/migration");
        assertThat(restore.code()).as(restore.output()).isZero();
        assertThat(restore.output()).contains("Restored " + name);
        assertThat(BackupCliTest.query(dir.resolve("restored.db").toString(), "SELECT group_concat(body) FROM notes"))
                .isEqualTo("one,two");
    }

    @Test
    void aPostgresBackupGoesToTheBucketVerifiesThereAndRestoresFromThere() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        assertThat(run(List.of(), "migrate", "--url", url).code()).isZero();
        execute(pg.databaseName(), "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 1000) g");

        Map<String, String> env = new HashMap<>(S3.environment());
        env.put("MOORING_BACKUP_PASSPHRASE", "correct horse battery staple");
        JarRun backup = run(env, at("pg"), "backup", "--url", url, "--jobs", "2", "--encrypt", "--verify", "--json");
        assertThat(backup.code()).as(backup.output()).isZero();
        String name = fileName(backup);
        assertThat(json(backup).path("manifest").path("verification").path("passed").asBoolean()).isTrue();

        String target = pg.databaseName() + "_restored";
        pg.server().createDatabaseIfMissing(target);
        try {
            JarRun restore = run(env, at("pg"), "restore", "s3://" + bucket + "/pg/" + name, "--url",
                    "postgresql://postgres@localhost:" + pg.server().port() + "/" + target);
            assertThat(restore.code()).as(restore.output()).isZero();
            assertThat(count(target, "SELECT count(*) FROM notes")).isEqualTo(1000);
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void aBackupKilledMidUploadLeavesNothingToRestoreAndPruneRemovesItsUpload() throws Exception {
        // large and incompressible, so that the upload runs in many parts for long enough to be caught
        BackupCliTest.sql(dir.resolve("big.db").toString(), "CREATE TABLE blobs (id integer primary key, data blob)");
        BackupCliTest.sql(dir.resolve("big.db").toString(), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                + " INSERT INTO blobs SELECT i, randomblob(1048576) FROM n");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar(), "backup", "--url", "big.db",
                "--compress", "none"));
        command.addAll(at("big"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("backup.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MOORING_"));
        builder.environment().putAll(S3.environment());
        Process backup = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (uploadsInProgress() == 0) {
                assertThat(backup.isAlive()).as("the backup ended before its upload was caught: "
                        + Files.readString(dir.resolve("backup.log"))).isTrue();
                assertThat(System.nanoTime()).as("no multipart upload started").isLessThan(deadline);
                Thread.sleep(5);
            }
        } finally {
            backup.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        assertThat(keys()).isEmpty();
        JarRun restore = run(at("big"), "restore", "--url", "restored.db");
        assertThat(restore.code()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(restore.output()).contains("There is no complete backup");
        assertThat(dir.resolve("restored.db")).doesNotExist();

        JarRun young = run(at("big"), "prune", "--keep-days", "7");
        assertThat(young.output()).contains("Removed 0 incomplete upload(s) of interrupted backups older than 1d");
        assertThat(uploadsInProgress()).isEqualTo(1);
        JarRun prune = run(at("big"), "prune", "--keep-days", "7", "--abandoned-after", "1ms");
        assertThat(prune.code()).as(prune.output()).isZero();
        assertThat(prune.output()).contains("Removed 1 incomplete upload(s) of interrupted backups older than 1ms");
        assertThat(uploadsInProgress()).isZero();
    }

    @Test
    void pruneInTheBucketKeepsTheNewestVerifiedBackup() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();
        JarRun first = run(at("keep"), "backup", "--url", "app.db", "--verify", "--json");
        assertThat(first.code()).as(first.output()).isZero();
        JarRun second = run(at("keep"), "backup", "--url", "app.db", "--json");
        assertThat(second.code()).as(second.output()).isZero();

        JarRun prune = run(at("keep"), "prune", "--keep-days", "0", "--json");

        assertThat(prune.code()).as(prune.output()).isZero();
        JsonNode result = json(prune);
        assertThat(result.path("kept")).hasSize(1);
        assertThat(result.path("kept").get(0).path("file").asText()).isEqualTo(fileName(first));
        assertThat(result.path("kept").get(0).path("status").asText()).isEqualTo("verified");
        assertThat(result.path("deleted").get(0).path("file").asText()).isEqualTo(fileName(second));
        assertThat(keys()).containsExactly("keep/" + fileName(first), "keep/" + fileName(first) + ".manifest.json");
    }

    @Test
    void copyToKeepsALocalAndARemoteCopyAndPruneAppliesItsRulesToEach() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();
        List<String> both = List.of("--dir", "dumps", "--copy-to", "s3://" + bucket + "/offsite", "--s3-endpoint",
                S3.endpoint().toString(), "--s3-path-style");

        JarRun verified = run(both, "backup", "--url", "app.db", "--verify");
        assertThat(verified.code()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("  copy:   s3://" + bucket + "/offsite/app_");
        JarRun unverified = run(both, "backup", "--url", "app.db", "--json");
        assertThat(unverified.code()).as(unverified.output()).isZero();
        String newest = fileName(unverified);
        assertThat(Files.exists(dir.resolve("dumps").resolve(newest))).isTrue();
        assertThat(keys()).contains("offsite/" + newest, "offsite/" + newest + ".manifest.json").hasSize(4);

        JarRun prune = run(List.of("--dir", "dumps", "--dir", "s3://" + bucket + "/offsite", "--s3-endpoint",
                S3.endpoint().toString(), "--s3-path-style"), "prune", "--keep-days", "0");

        assertThat(prune.code()).as(prune.output()).isZero();
        assertThat(prune.output()).contains("== dumps ==").contains("== s3://" + bucket + "/offsite at " + S3.endpoint())
                .containsSubsequence("deleted", "Deleted 1, kept 1.", "deleted", "Deleted 1, kept 1.");
        assertThat(Files.exists(dir.resolve("dumps").resolve(newest))).isFalse();
        assertThat(keys()).hasSize(2).noneMatch(k -> k.contains(newest));
    }

    @Test
    void exportUserWritesTheDocumentIntoTheBucket() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();
        BackupCliTest.sql(dir.resolve("app.db").toString(), "CREATE TABLE todos (id integer primary key, user_id text,"
                + " title text)");
        BackupCliTest.sql(dir.resolve("app.db").toString(), "INSERT INTO todos VALUES (1, 'u1', 'mine'), (2, 'u2', 'theirs')");
        List<String> out = List.of("--out", "s3://" + bucket + "/exports/u1.json", "--s3-endpoint",
                S3.endpoint().toString(), "--s3-path-style");

        JarRun export = run(out, "export-user", "--url", "app.db", "--user-id", "u1");
        assertThat(export.code()).as(export.output()).isZero();
        assertThat(export.output()).contains("to s3://" + bucket + "/exports/u1.json");
        String document = S3.client().getObjectAsBytes(r -> r.bucket(bucket).key("exports/u1.json")).asUtf8String();
        assertThat(new ObjectMapper().readTree(document).path("tables").path("todos")).hasSize(1);

        JarRun again = run(out, "export-user", "--url", "app.db", "--user-id", "u1");
        assertThat(again.code()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED.exitCode());
        assertThat(again.output()).contains("--force");
    }

    @Test
    void wrongCredentialsAreAClearErrorAndNoOutputEverShowsASecret() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();
        String wrongSecret = "wrong-secret-for-the-test-Vb81Qp";
        Map<String, String> wrong = new HashMap<>(S3.environment());
        wrong.put("AWS_SECRET_ACCESS_KEY", wrongSecret);
        String object = "s3://" + bucket + "/x/app_2026-01-01T00-00-00-000Z.sqlite.zst";
        List<String> options = List.of("--s3-endpoint", S3.endpoint().toString(), "--s3-path-style");
        List<JarRun> refused = new ArrayList<>();
        refused.add(run(wrong, at("x"), "backup", "--url", "app.db"));
        refused.add(run(wrong, at("x"), "restore", "--url", "restored.db"));
        refused.add(run(wrong, at("x"), "prune", "--keep-days", "1"));
        refused.add(run(wrong, options, "verify", object));
        refused.add(run(wrong, List.of("--out", object, "--s3-endpoint", S3.endpoint().toString(), "--s3-path-style"),
                "export-user", "--url", "app.db", "--user-id", "u1"));
        for (JarRun r : refused) {
            assertThat(r.code()).as(r.output()).isEqualTo(ErrorCode.CONNECTION.exitCode());
            assertThat(r.output()).contains("refused the credentials for bucket " + bucket)
                    .contains("AWS_ACCESS_KEY_ID").doesNotContain(wrongSecret);
        }

        JarRun good = run(at("x"), "backup", "--url", "app.db", "--verify", "--json");
        assertThat(good.code()).as(good.output()).isZero();
        JarRun pruned = run(at("x"), "prune", "--keep-days", "1", "--json");
        for (JarRun r : List.of(good, pruned)) {
            assertThat(r.output()).doesNotContain(S3ProxyExtension.SECRET_KEY);
        }
    }

    @Test
    void aBucketThatDoesNotExistIsAClearError() throws Exception {
        assertThat(run(List.of(), "migrate", "--url", "app.db").code()).isZero();

        JarRun r = run(List.of("--dir", "s3://no-such-bucket/db", "--s3-endpoint", S3.endpoint().toString(),
                "--s3-path-style"), "backup", "--url", "app.db");

        assertThat(r.code()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(r.output()).contains("bucket no-such-bucket does not exist at " + S3.endpoint()
                + ": create it or fix the URL");
    }

    private static JsonNode json(JarRun r) throws Exception {
        // standard error (progress lines) comes first in the merged output
        return new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{')));
    }

    private static String fileName(JarRun backup) throws Exception {
        return json(backup).path("manifest").path("file").asText();
    }

    private void execute(String database, String sql) throws Exception {
        try (Connection c = pg.server().dataSource(database).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String database, String sql) throws Exception {
        try (Connection c = pg.server().dataSource(database).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return Path.of("target", "mooring.jar").toAbsolutePath().toString();
    }
}
