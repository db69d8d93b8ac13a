package dev.mooring.backup;

import dev.mooring.backup.internal.BackupNames;
import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.Retention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    Path backup(String db, int daysAgo, String status) throws IOException {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        Path file = dir.resolve(BackupNames.fileName(db, at, "postgresql", Compression.ZSTD, false));
        Files.writeString(file, "backup of " + db);
        if (!status.equals("incomplete")) {
            BackupManifest.Verification v = status.equals("unverified") ? null
                    : new BackupManifest.Verification(at, true, status.equals("verified"),
                    status.equals("verified") ? List.of() : List.of("checksum differs"));
            ManifestStore.write(file, new BackupManifest(1, file.getFileName().toString(), db, "postgresql://h/" + db,
                    "postgresql", "18", "3", "builtin", at, 10, "zstd", null, 10, 10, "ab", List.of("public"), List.of(),
                    "test", v));
        }
        return file;
    }

    List<String> names(List<PruneResult.Decision> decisions) {
        return decisions.stream().map(d -> d.file().getFileName().toString()).toList();
    }

    @Test
    void keepsYoungBackupsTheNewestVerifiedOnesAndAlwaysTheNewestVerified() throws IOException {
        Path young = backup("app", 1, "unverified");
        Path youngFailed = backup("app", 2, "failed");
        Path verified40 = backup("app", 40, "verified");
        Path unverified45 = backup("app", 45, "unverified");
        Path verified50 = backup("app", 50, "verified");
        Path verified60 = backup("app", 60, "verified");
        Path failed70 = backup("app", 70, "failed");
        Path incomplete80 = backup("app", 80, "incomplete");

        PruneResult r = Retention.prune(dir, new RetentionPolicy(30, 2), false, NOW);

        assertThat(names(r.kept())).containsExactlyInAnyOrder(name(young), name(youngFailed), name(verified40), name(verified50));
        assertThat(names(r.deleted())).containsExactlyInAnyOrder(name(unverified45), name(verified60), name(failed70),
                name(incomplete80));
        assertThat(r.warnings()).isEmpty();
        for (Path gone : List.of(unverified45, verified60, failed70, incomplete80)) {
            assertThat(gone).doesNotExist();
            assertThat(ManifestStore.pathOf(gone)).doesNotExist();
        }
        assertThat(young).exists();
        assertThat(verified40).exists();
    }

    @Test
    void neverDeletesTheNewestVerifiedBackupEvenWhenEverythingIsOld() throws IOException {
        Path newestVerified = backup("app", 90, "verified");
        Path older = backup("app", 100, "verified");
        Path newerButFailed = backup("app", 40, "failed");

        PruneResult r = Retention.prune(dir, new RetentionPolicy(30, 0), false, NOW);

        assertThat(names(r.kept())).containsExactly(name(newestVerified));
        assertThat(names(r.deleted())).containsExactlyInAnyOrder(name(older), name(newerButFailed));
    }

    @Test
    void withNoVerifiedBackupTheNewestCompleteOneIsKeptAndTheUserWarned() throws IOException {
        Path newest = backup("app", 40, "unverified");
        Path older = backup("app", 41, "unverified");

        PruneResult r = Retention.prune(dir, new RetentionPolicy(30, 5), false, NOW);

        assertThat(names(r.kept())).containsExactly(name(newest));
        assertThat(names(r.deleted())).containsExactly(name(older));
        assertThat(r.warnings()).singleElement().asString().contains("No verified backup of app").contains("verify --restore");
    }

    @Test
    void retentionIsPerDatabaseAndIgnoresForeignFiles() throws IOException {
        Path app = backup("app", 60, "verified");
        Path other = backup("other", 60, "verified");
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "not a backup");

        PruneResult r = Retention.prune(dir, new RetentionPolicy(30, 0), false, NOW);

        assertThat(names(r.kept())).containsExactlyInAnyOrder(name(app), name(other));
        assertThat(foreign).exists();
    }

    @Test
    void dryRunDeletesNothing() throws IOException {
        backup("app", 10, "verified");
        Path old = backup("app", 60, "verified");

        PruneResult r = Retention.prune(dir, new RetentionPolicy(30, 0), true, NOW);

        assertThat(r.dryRun()).isTrue();
        assertThat(names(r.deleted())).containsExactly(name(old));
        assertThat(old).exists();
    }

    static String name(Path p) {
        return p.getFileName().toString();
    }
}
