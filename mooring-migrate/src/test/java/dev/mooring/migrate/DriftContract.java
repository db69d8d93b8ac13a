package dev.mooring.migrate;

import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Migrator#drift} on a live database and an empty scratch database of the same kind. */
abstract class DriftContract {
    @TempDir
    Path dir;

    abstract DataSource live();

    abstract DataSource scratch();

    Migrator migrator() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("001_users.sql"), "CREATE TABLE users (id integer primary key, name text NOT NULL);\n"
                + "CREATE INDEX users_name_idx ON users (name);\n");
        Files.writeString(db.resolve("002_events.sql"), "CREATE TABLE events (id integer primary key, user_id integer REFERENCES users (id));\n");
        Files.writeString(db.resolve("003_pending.sql"), "CREATE TABLE not_yet (id integer);\n");
        return Migrator.create(live(), MigrationConfig.of(db.toString()).withTarget("2"));
    }

    void exec(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aDatabaseBuiltByItsMigrationsHasNoDriftEvenWithPendingOnes() throws Exception {
        Migrator migrator = migrator();
        migrator.migrate();
        Migrator all = Migrator.create(live(), migrator.config().withTarget(null));
        DriftReport report = all.drift(scratch());
        assertThat(report.differences()).isEmpty();
        assertThat(report.summary()).isEqualTo("no drift");
    }

    @Test
    void handMadeChangesAreReported() throws Exception {
        Migrator migrator = migrator();
        migrator.migrate();
        exec(live(), "CREATE TABLE hotfix (id integer)");
        exec(live(), "DROP INDEX users_name_idx");
        exec(live(), "ALTER TABLE events ADD COLUMN note text");
        DriftReport report = migrator.drift(scratch());
        assertThat(report.differences()).extracting(SchemaDifference::describe).anySatisfy(d -> assertThat(d).contains("hotfix"))
                .anySatisfy(d -> assertThat(d).contains("users_name_idx").contains("missing"))
                .anySatisfy(d -> assertThat(d).contains("events.note").contains("unexpected"));
        assertThat(report.differences()).hasSize(3);
    }

    @Test
    void aScratchDatabaseThatIsNotEmptyIsRefused() throws Exception {
        Migrator migrator = migrator();
        migrator.migrate();
        exec(scratch(), "CREATE TABLE leftover (id integer)");
        assertThatThrownBy(() -> migrator.drift(scratch())).isInstanceOf(MooringException.class)
                .hasMessageContaining("scratch database is not empty");
    }
}
