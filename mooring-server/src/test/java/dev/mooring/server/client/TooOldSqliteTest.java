package dev.mooring.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.SyncClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs only in the build's {@code too-old-sqlite} run, whose class path has sqlite-jdbc 3.25.2 instead of the
 * current one: the sync client refuses a library older than it supports, before it changes anything.
 */
@Tag("sqlite-too-old")
class TooOldSqliteTest {
    @TempDir
    Path dir;

    @Test
    void openingAClientDatabaseWithASqliteOlderThanSupportedIsRefusedAndChangesNothing() throws Exception {
        Path file = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            assertThat(OldSqlite.version(c)).as("this run's SQLite").isEqualTo(System.getProperty("mooring.test.sqlite"))
                    .isEqualTo("3.25.2");
            s.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT)");
        }

        assertThatThrownBy(() -> SyncClient.open(file, ClientConfig.of("notes")))
                .isInstanceOfSatisfying(MooringException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SQLITE_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("3.25.2").contains("3.28.0").contains(file.toString());
                });

        List<String> objects = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master ORDER BY name")) {
            while (rs.next()) {
                objects.add(rs.getString(1));
            }
        }
        assertThat(objects).as("nothing was installed").containsExactly("notes", "sqlite_autoindex_notes_1");
    }
}
