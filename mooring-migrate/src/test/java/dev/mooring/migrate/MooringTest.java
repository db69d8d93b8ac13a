package dev.mooring.migrate;

import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MooringTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @Test
    void migrateOnStartUpUsesClasspathDbMigrationByDefault() throws Exception {
        MigrateResult result = Mooring.migrate(pg.dataSource());
        assertThat(result.applied()).extracting(AppliedMigration::script).containsExactly("001_create_settings.sql");
        assertThat(Mooring.migrate(pg.dataSource()).applied()).isEmpty();
    }

    @Test
    void openSqliteReturnsAMigratedConnectionThatEnforcesForeignKeys() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("client"));
        Files.writeString(folder.resolve("001_lists.sql"), "CREATE TABLE lists (id text PRIMARY KEY);\n"
                + "CREATE TABLE items (id text PRIMARY KEY, list_id text NOT NULL REFERENCES lists (id));\n");
        Path file = dir.resolve("client.db");
        try (Connection db = Mooring.openSqlite(file, folder.toString()); Statement s = db.createStatement()) {
            s.execute("INSERT INTO lists VALUES ('l1')");
            s.execute("INSERT INTO items VALUES ('i1', 'l1')");
            assertThatThrownBy(() -> s.execute("INSERT INTO items VALUES ('i2', 'missing')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("FOREIGN KEY");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
        try (Connection again = Mooring.openSqlite(file, folder.toString())) {
            assertThat(again.isValid(1)).isTrue();
        }
    }
}
