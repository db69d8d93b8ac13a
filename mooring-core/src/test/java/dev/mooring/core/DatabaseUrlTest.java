package dev.mooring.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void libpqUrlBecomesPgjdbcUrlKeepingSslmodeAndMappingSchema() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s3cr%40t@db.example:6543/reminders?schema=app&sslmode=require&pool=10");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/reminders?currentSchema=app&sslmode=require");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("s3cr@t");
        assertThat(url.dialect().name()).isEqualTo("postgresql");
    }

    @Test
    void postgresSchemeAndMissingHostDefaultToLocalhost() {
        assertThat(DatabaseUrl.parse("postgres:///app").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/app");
    }

    @Test
    void passwordNeverAppearsInPrintableForms() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:hunter22@localhost/db");
        assertThat(url.toString()).doesNotContain("hunter22").contains(Redaction.MASK);
        assertThat(url.jdbcUrl()).doesNotContain("hunter22");
        assertThat(Redaction.redact("FATAL: password authentication failed, tried hunter22")).doesNotContain("hunter22");
    }

    @Test
    void jdbcUrlCredentialsMoveIntoProperties() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h/db?user=u&password=pw-xyz&sslmode=disable");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?sslmode=disable");
        assertThat(url.user()).isEqualTo("u");
        assertThat(url.password()).isEqualTo("pw-xyz");
    }

    @Test
    void redactionMasksUserinfoAndPasswordParameters() {
        assertThat(Redaction.redact("x postgresql://u:topsecret@h/db y")).isEqualTo("x postgresql://u:***@h/db y");
        assertThat(Redaction.redact("jdbc:postgresql://h/db?password=abc123&x=1")).isEqualTo("jdbc:postgresql://h/db?password=***&x=1");
    }

    @Test
    void sqlitePathsAndSchemes() {
        assertThat(DatabaseUrl.parse("client.db").jdbcUrl()).isEqualTo("jdbc:sqlite:client.db");
        assertThat(DatabaseUrl.parse("sqlite:data/client.db").sqliteFile()).isEqualTo(Path.of("data/client.db"));
        assertThat(DatabaseUrl.parse("jdbc:sqlite:x.db").dialect().name()).isEqualTo("sqlite");
        assertThat(DatabaseUrl.parse(":memory:").sqliteFile()).isNull();
    }

    @Test
    void environmentIsUsedOnlyWhenNoUrlIsGiven() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://localhost/fromenv");
        assertThat(DatabaseUrl.resolve(null, env).jdbcUrl()).endsWith("/fromenv");
        assertThat(DatabaseUrl.resolve("x.db", env).jdbcUrl()).isEqualTo("jdbc:sqlite:x.db");
        assertThatThrownBy(() -> DatabaseUrl.resolve(null, Map.of()))
                .isInstanceOf(MooringException.class).hasMessageContaining("DATABASE_URL")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.USAGE);
    }

    @Test
    void unknownSchemesAreRejectedWithTheAcceptedForms() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:pw1234@h/db"))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("postgresql://")
                .hasMessageNotContaining("pw1234");
    }
}
