package dev.mooring.backup;

import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.file.FileDigest;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQLite backups edited by someone with write access to the backup folder (schema rows written with
 * {@code PRAGMA writable_schema}, the manifest's SHA-256 and size recomputed). SQLite itself refuses schema rows that
 * hold more than one statement or do not match their type and name; what it accepts in a database file and a backup
 * of a database never holds — objects of the connection's TEMP schema — is refused before anything is restored.
 */
class SqliteTamperedBackupTest {
    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    BackupConfig config() {
        return BackupConfig.defaults().withDir(sqlite.folder().resolve("dumps")).withEnvironment(SqliteBackupTest.ENV)
                .withCompression(Compression.NONE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "trigger|spy|notes|CREATE TEMP TRIGGER spy AFTER INSERT ON main.notes BEGIN INSERT INTO counters (name) VALUES ('spy'); END",
            "view|notes_seen|notes_seen|CREATE TEMPORARY VIEW notes_seen AS SELECT * FROM notes",
            "trigger|spy2|notes|CREATE TEMPORARY TRIGGER IF NOT EXISTS \"spy2\" BEFORE DELETE ON notes BEGIN SELECT 1; END"})
    void schemaObjectsOfTheTempSchemaAreRefusedBeforeAnythingIsRestored(String type, String name, String table,
            String sql) throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        Path file = sqlite.folder().resolve("dumps").resolve(m.file());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA writable_schema = ON");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)"
                    + " VALUES (?, ?, ?, 0, ?)")) {
                ps.setString(1, type);
                ps.setString(2, name);
                ps.setString(3, table);
                ps.setString(4, sql);
                ps.execute();
            }
            s.execute("PRAGMA writable_schema = OFF");
        }
        ManifestStore.write(file, new BackupManifest(m.format(), m.file(), m.database(), m.source(), m.dialect(),
                m.serverVersion(), m.schemaVersion(), m.engine(), m.startedAt(), m.durationMs(), m.compression(),
                m.encryption(), Files.size(file), Files.size(file), FileDigest.sha256(file), m.schemas(), m.tables(),
                m.mooringVersion(), m.verification()));
        DatabaseUrl target = DatabaseUrl.parse(sqlite.folder().resolve("restored.db").toString());

        assertThatThrownBy(() -> Backups.create(target, config()).restore(file, RestoreOptions.defaults()))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining(type + " " + name).hasMessageContaining(sql.substring(0, 20))
                .hasMessageContaining("Nothing was restored")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
        assertThat(SqliteBackupTest.scalar(target, "SELECT count(*) FROM sqlite_schema")).isEqualTo("0");
        VerifyResult verify = Backups.verify(file, true, null, config());
        assertThat(verify.passed()).isFalse();
        assertThat(verify.problems()).anyMatch(p -> p.contains(type + " " + name) && p.contains("TEMP"));
    }
}
