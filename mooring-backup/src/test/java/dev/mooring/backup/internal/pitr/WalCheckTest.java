package dev.mooring.backup.internal.pitr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code wal check} shows of an archive_command never shows the secrets it may hold. */
class WalCheckTest {
    @Test
    void assignmentsAndUrlPasswordsAreMasked() {
        String command = "env MOORING_BACKUP_PASSPHRASE='two words' AWS_SECRET_ACCESS_KEY=abc/def+1 X=\"q u\""
                + " java -jar m.jar wal push %p --dir s3://b/p --s3-endpoint http://user:hunter2@minio:9000";

        String shown = WalCheck.masked(command);

        assertThat(shown).doesNotContain("two words").doesNotContain("abc/def").doesNotContain("q u")
                .doesNotContain("hunter2")
                .isEqualTo("env MOORING_BACKUP_PASSPHRASE=*** AWS_SECRET_ACCESS_KEY=*** X=***"
                        + " java -jar m.jar wal push %p --dir s3://b/p --s3-endpoint http://user:***@minio:9000");
    }
}
