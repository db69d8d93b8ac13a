package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifying encrypted backups with the real jar, whose passphrase comes from the process environment: a verification
 * that cannot run (no passphrase, a wrong one) is no verdict on the backup, so it leaves the manifest alone and
 * {@code prune} keeps the backup; only a damaged file is recorded as failed.
 */
class EncryptedBackupVerifyJarIT {
    private static final String PASSPHRASE = "correct horse battery staple";
    private static final Map<String, String> RIGHT = Map.of("MOORING_BACKUP_PASSPHRASE", PASSPHRASE);
    private static final Map<String, String> WRONG = Map.of("MOORING_BACKUP_PASSPHRASE", "wrong");
    private static final Map<String, String> NONE = Map.of();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    Path dumps;

    @BeforeEach
    void setUp() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("db/migration"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id integer primary key, body text);\n");
        dumps = dir.resolve("dumps");
    }

    @Test
    void aWrongOrMissingPassphraseLeavesAGoodSqliteBackupUnjudgedAndPruneKeepsIt() throws Exception {
        assertThat(run(NONE, "migrate", "--url", "app.db").code()).isZero();
        BackupCliTest.sql(dir.resolve("app.db").toString(), "INSERT INTO notes VALUES (1, 'one')");
        Path backup = backUp("app.db");

        assertVerificationCannotRunAndChangesNothing(backup, "--restore");
    }

    @Test
    void aWrongOrMissingPassphraseLeavesAGoodPostgresBackupUnjudgedAndPruneKeepsIt() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        assertThat(run(NONE, "migrate", "--url", url).code()).isZero();
        Path backup = backUp(url);

        assertVerificationCannotRunAndChangesNothing(backup, "--restore");
    }

    @Test
    void aModifiedByteIsStillABadBackupRecordedAsFailedWhateverThePassphrase() throws Exception {
        String postgres = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        for (String url : List.of("app.db", postgres)) {
            assertThat(run(NONE, "migrate", "--url", url).code()).isZero();
            Path backup = backUp(url);
            flipByte(backup, Files.size(backup) / 2);

            JarRun wrongKey = run(WRONG, "verify", backup.toString());
            assertThat(wrongKey.code()).as(wrongKey.output()).isEqualTo(15);
            assertThat(wrongKey.output()).contains("FAILED").contains("SHA-256");
            assertThat(verification(backup).path("passed").asBoolean(true)).isFalse();

            // without the manifest's SHA-256, the chunks' authentication tells damage from a wrong key
            Files.delete(manifestOf(backup));
            JarRun rightKey = run(RIGHT, "verify", backup.toString());
            assertThat(rightKey.code()).as(rightKey.output()).isEqualTo(15);
            assertThat(rightKey.output()).contains("failed authentication: the file was modified or corrupted");
            flipByte(backup, Files.size(backup) / 2);
            JarRun intactWrongKey = run(WRONG, "verify", backup.toString());
            assertThat(intactWrongKey.code()).as(intactWrongKey.output()).isEqualTo(16);
            assertThat(intactWrongKey.output()).contains("wrong passphrase");
        }
    }

    private void assertVerificationCannotRunAndChangesNothing(Path backup, String... restore) throws Exception {
        JarRun proof = run(RIGHT, "verify", backup.toString());
        assertThat(proof.code()).as(proof.output()).isZero();
        byte[] verified = Files.readAllBytes(manifestOf(backup));

        for (Map<String, String> env : List.of(WRONG, NONE)) {
            for (String[] flags : new String[][] {{}, restore}) {
                JarRun r = run(env, args(flags, "verify", backup.toString()));
                assertThat(r.code()).as(r.output()).isEqualTo(16);
                assertThat(r.output()).contains("MOORING_BACKUP_PASSPHRASE").doesNotContain(PASSPHRASE)
                        .doesNotContain("FAILED").doesNotContain("manifest.json");
                assertThat(Files.readAllBytes(manifestOf(backup))).isEqualTo(verified);
            }
        }

        JarRun prune = run(NONE, "prune", "--dir", dumps.toString(), "--keep-days", "0", "--keep-last", "3", "--json");
        assertThat(prune.code()).as(prune.output()).isZero();
        JsonNode kept = new ObjectMapper().readTree(prune.output()).path("kept");
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).path("status").asText()).isEqualTo("verified");
        assertThat(kept.get(0).path("reason").asText()).isEqualTo("the newest verified backup");
        assertThat(backup).exists();
        assertThat(Files.readAllBytes(manifestOf(backup))).isEqualTo(verified);
    }

    private Path backUp(String url) throws Exception {
        JarRun r = run(RIGHT, "backup", "--url", url, "--dir", dumps.toString(), "--encrypt", "--json");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain(PASSPHRASE);
        // standard error (progress lines) comes first in the merged output
        return Path.of(new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{'))).path("file").asText());
    }

    private static JsonNode verification(Path backup) throws Exception {
        return new ObjectMapper().readTree(manifestOf(backup).toFile()).path("verification");
    }

    private static Path manifestOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".manifest.json");
    }

    private static void flipByte(Path file, long position) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x01);
        }
    }

    private static String[] args(String[] flags, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(flags));
        return all.toArray(String[]::new);
    }

    /** Runs the jar in {@link #dir} with exactly the Mooring variables in {@code env}. */
    private JarRun run(Map<String, String> env, String... args) throws Exception {
        return JarRun.of(dir, env, null, args);
    }
}
