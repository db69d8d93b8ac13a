package dev.mooring.backup.internal.pitr;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The pg_ctl command Mooring prints for a restored data directory is one a shell runs as printed. */
class RecoveryServerTest {
    @Test
    void thePrintedPgCtlCommandIsQuotedAndRunsInAUserNamespaceAsRoot() {
        String command = RecoveryServer.pgCtlCommand(Path.of("/opt/pg 18/bin"), Path.of("/srv/it's restored"), "start");

        assertThat(command).endsWith("'/opt/pg 18/bin/pg_ctl' start -D '/srv/it'\\''s restored'");
        boolean root = "root".equals(System.getProperty("user.name"))
                && java.nio.file.Files.isExecutable(Path.of("/usr/bin/unshare"));
        assertThat(command.startsWith("unshare -U ")).isEqualTo(root);
    }
}
