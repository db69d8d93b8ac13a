package dev.mooring.sync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqliteVersionTest {
    @Test
    void versionsCompareNumberByNumberNotAsText() {
        assertThat(SqliteVersion.compare("3.9.2", "3.28.0")).isNegative();
        assertThat(SqliteVersion.compare("3.27.2", "3.28.0")).isNegative();
        assertThat(SqliteVersion.compare("3.28.0", "3.28.0")).isZero();
        assertThat(SqliteVersion.compare("3.28", "3.28.0")).isZero();
        assertThat(SqliteVersion.compare("3.28.1", "3.28.0")).isPositive();
        assertThat(SqliteVersion.compare("3.100.0", "3.28.0")).isPositive();
        assertThat(SqliteVersion.compare("4.0.0", "3.28.0")).isPositive();
    }
}
