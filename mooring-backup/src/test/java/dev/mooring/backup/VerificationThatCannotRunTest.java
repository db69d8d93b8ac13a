package dev.mooring.backup;

import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A verification that could not run — no passphrase, a wrong one, a scratch server that cannot be reached — is no
 * verdict on the backup: it throws, and the manifest keeps exactly the verification it had.
 */
class VerificationThatCannotRunTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    private static final Map<String, String> WRONG = Map.of(BackupConfig.PASSPHRASE_VARIABLE, "not the passphrase");

    BackupConfig config() {
        return BackupConfig.defaults().withDir(sqlite.folder().resolve("dumps")).withEnvironment(SqliteBackupTest.ENV);
    }

    @Test
    void aWrongOrMissingPassphraseThrowsAndLeavesAVerifiedManifestAsItWas() throws Exception {
        SqliteFixture.create(sqlite.url());
        PostgresBackupTest.execute(pg.dataSource(), "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
        for (DatabaseUrl url : new DatabaseUrl[] {sqlite.url(), pg.url()}) {
            Path file = config().dir().resolve(Backups.create(url, config().withEncrypt(true)).backup().file());
            assertThat(Backups.verify(file, false, null, config()).passed()).isTrue();
            byte[] verified = Files.readAllBytes(ManifestStore.pathOf(file));

            for (Map<String, String> env : List.of(WRONG, Map.<String, String>of())) {
                assertThatThrownBy(() -> Backups.verify(file, false, null, config().withEnvironment(env)))
                        .isInstanceOfSatisfying(MooringException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE))
                        .hasMessageContaining(BackupConfig.PASSPHRASE_VARIABLE);
                assertThat(Files.readAllBytes(ManifestStore.pathOf(file))).isEqualTo(verified);
            }
        }
    }

    @Test
    void anUnreachableScratchServerThrowsAndRecordsNothing() throws Exception {
        PostgresBackupTest.execute(pg.dataSource(), "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
        Path file = config().dir().resolve(Backups.create(pg.url(), config()).backup().file());
        byte[] unverified = Files.readAllBytes(ManifestStore.pathOf(file));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ScratchServer unreachable = ScratchServer.on(
                DatabaseUrl.parse("postgresql://postgres@localhost:" + closedPort + "/postgres"));

        assertThatThrownBy(() -> Backups.verify(file, true, unreachable, config()))
                .isInstanceOfSatisfying(MooringException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.VERIFY_NOT_RUN))
                .hasMessageContaining("localhost:" + closedPort).hasMessageContaining("nothing was recorded");
        assertThat(Files.readAllBytes(ManifestStore.pathOf(file))).isEqualTo(unverified);

        VerifyResult proven = Backups.verify(file, true, ScratchServer.on(pg.server().url("postgres")), config());
        assertThat(proven.problems()).isEmpty();
        assertThat(proven.restored()).isTrue();
    }
}
