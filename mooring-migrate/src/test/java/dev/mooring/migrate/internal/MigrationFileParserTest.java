package dev.mooring.migrate.internal;

import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationFileParserTest {

    static MigrationScript migration(String name, String text) {
        return ((MigrationFileParser.Migration) MigrationFileParser.parse(name, "db", text)).script();
    }

    @Test
    void sectionsHeaderAndLinesAreFound() {
        MigrationScript m = migration("20260101000000_create_x.sql", """
                -- Description: Create x
                -- mooring:no-transaction

                -- UP
                CREATE TABLE x (id int);
                --   down
                DROP TABLE x;
                """);
        assertThat(m.version()).isEqualTo(MigrationVersion.parse("20260101000000"));
        assertThat(m.description()).isEqualTo("Create x");
        assertThat(m.transactional()).isFalse();
        assertThat(m.up().strip()).isEqualTo("CREATE TABLE x (id int);");
        assertThat(m.upLine()).isEqualTo(5);
        assertThat(m.down().strip()).isEqualTo("DROP TABLE x;");
        assertThat(m.downLine()).isEqualTo(7);
        assertThat(m.type()).isEqualTo(MigrationType.VERSIONED);
    }

    @Test
    void aFileWithoutMarkersIsAllUpAndTakesItsDescriptionFromTheName() {
        MigrationScript m = migration("V1_2__add_index.sql", "-- plain comment\r\nCREATE INDEX i ON x (id);\r\n");
        assertThat(m.version()).hasToString("1.2");
        assertThat(m.description()).isEqualTo("add index");
        assertThat(m.up()).contains("CREATE INDEX");
        assertThat(m.upLine()).isEqualTo(1);
        assertThat(m.down()).isNull();
        assertThat(m.transactional()).isTrue();
    }

    @Test
    void markersAreWholeCommentLinesAndTheHeaderEndsAtTheFirstStatement() {
        MigrationScript m = migration("001_a.sql", "CREATE TABLE a (id int); -- UP\n-- Description: not in the header\n-- DOWN\nDROP TABLE a;\n");
        assertThat(m.description()).isEqualTo("a");
        assertThat(m.up()).contains("CREATE TABLE a").doesNotContain("DROP");
        assertThat(m.down()).contains("DROP TABLE a");
    }

    @Test
    void misplacedMarkersAndUnknownDirectivesAreErrorsWithTheLine() {
        assertThatThrownBy(() -> migration("001_a.sql", "-- DOWN\nDROP TABLE a;\n-- UP\nCREATE TABLE a (id int);\n"))
                .isInstanceOf(MooringException.class).hasMessageContaining("line 3").hasMessageContaining("-- UP");
        assertThatThrownBy(() -> migration("001_a.sql", "-- mooring:no-transactions\nSELECT 1;\n"))
                .isInstanceOf(MooringException.class).hasMessageContaining("line 1").hasMessageContaining("unknown directive");
    }

    @Test
    void checksumsIgnoreLineEndingsTrailingWhiteSpaceAndTrailingBlankLinesButNotContent() {
        long base = Checksums.of("a\nb");
        assertThat(Checksums.of("a  \r\nb\t\r\n\r\n  \n")).isEqualTo(base);
        assertThat(Checksums.of("a\rb")).isEqualTo(base);
        assertThat(Checksums.of("\na\nb")).isNotEqualTo(base);
        assertThat(Checksums.of("a\n\nb")).isNotEqualTo(base);
        assertThat(Checksums.of(" a\nb")).isNotEqualTo(base);
        assertThat(Checksums.normalize("x \n\n y \n\n")).isEqualTo("x\n\n y");
    }

    @Test
    void versionsCompareNumericallyPartByPart() {
        assertThat(MigrationVersion.parse("001")).isEqualTo(MigrationVersion.parse("1.0"));
        assertThat(MigrationVersion.parse("2")).isLessThan(MigrationVersion.parse("10"));
        assertThat(MigrationVersion.parse("1_1")).isGreaterThan(MigrationVersion.parse("1"));
        assertThat(MigrationVersion.parse("99999999999999999999999")).isGreaterThan(MigrationVersion.parse("20260101000000"));
        assertThatThrownBy(() -> MigrationVersion.parse("1..2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MigrationVersion.parse("1a")).isInstanceOf(IllegalArgumentException.class);
    }
}
