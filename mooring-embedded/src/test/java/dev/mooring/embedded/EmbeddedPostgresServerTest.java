package dev.mooring.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresServerTest {

    @Test
    void startsARealCurrentMajorServerWhoseDataSurvivesARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data)) {
            server.createDatabaseIfMissing("app");
            try (Connection c = server.dataSource("app").getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives')");
                try (ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(180000);
                }
            }
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data);
             Connection c = again.dataSource("app").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives");
        }
    }

    @Test
    void aRestartedServerListensOnItsFormerPortAndASecondOneOnTheSameDataIsRefused(@TempDir Path dir) {
        Path data = dir.resolve("pg");
        int port;
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data)) {
            port = server.port();
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(data))
                    .isInstanceOfSatisfying(EmbeddedDatabaseInUseException.class, e -> {
                        assertThat(e.port()).hasValue(port);
                        assertThat(e.getMessage()).contains("already running").contains(data.toString());
                    });
        }
        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data)) {
            assertThat(again.port()).isEqualTo(port);
        }
    }
}
