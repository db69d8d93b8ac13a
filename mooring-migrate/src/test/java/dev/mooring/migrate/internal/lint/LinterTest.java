package dev.mooring.migrate.internal.lint;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.migrate.LintFinding;
import dev.mooring.migrate.LintFinding.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinterTest {

    /** Lints each script as its own migration, V1, V2, … in order. */
    private static List<LintFinding> lint(SqlSyntax syntax, String... scripts) {
        List<LintInput> inputs = new ArrayList<>();
        for (int i = 0; i < scripts.length; i++) {
            inputs.add(new LintInput("V" + (i + 1) + "__m.sql", String.valueOf(i + 1), syntax, scripts[i], 1));
        }
        return Linter.lint(inputs);
    }

    private static List<LintFinding> pg(String... scripts) {
        return lint(SqlSyntax.POSTGRESQL, scripts);
    }

    private static List<LintFinding> sqlite(String... scripts) {
        return lint(SqlSyntax.SQLITE, scripts);
    }

    private static List<String> rules(List<LintFinding> findings) {
        return findings.stream().map(LintFinding::rule).toList();
    }

    @Test
    void dropTableFires() {
        List<LintFinding> findings = pg("DROP TABLE IF EXISTS app.events, \"Old Notes\" CASCADE;");
        assertThat(rules(findings)).containsExactly("drop-table", "drop-table");
        assertThat(findings.get(0).severity()).isEqualTo(Severity.ERROR);
        assertThat(findings.get(0).message()).startsWith("DROP TABLE app.events deletes the table");
        assertThat(findings.get(1).message()).startsWith("DROP TABLE \"Old Notes\"");
        assertThat(rules(sqlite("drop table if exists events"))).containsExactly("drop-table");
    }

    @Test
    void dropColumnFiresAndNamesTheSaferWay() {
        LintFinding finding = pg("ALTER TABLE events DROP COLUMN note;").get(0);
        assertThat(finding.rule()).isEqualTo("drop-column");
        assertThat(finding.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding.message()).startsWith("DROP COLUMN events.note breaks clients on older versions that still write it")
                .contains("drop it in a later release");
        assertThat(finding.script()).isEqualTo("V1__m.sql");
        assertThat(finding.version()).isEqualTo("1");
        assertThat(rules(pg("alter table if exists only public.events drop if exists note cascade"))).containsExactly("drop-column");
        assertThat(rules(sqlite("ALTER TABLE [events] DROP COLUMN `note`"))).containsExactly("drop-column");
    }

    @Test
    void renameTableFires() {
        assertThat(pg("ALTER TABLE events RENAME TO activities;")).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("rename-table"))
                .satisfies(f -> assertThat(f.message()).startsWith("ALTER TABLE events RENAME TO activities breaks clients"));
        assertThat(rules(sqlite("ALTER TABLE events RENAME TO activities"))).containsExactly("rename-table");
    }

    @Test
    void renameColumnFiresWithOrWithoutColumnKeyword() {
        assertThat(pg("ALTER TABLE events RENAME COLUMN note TO remark").get(0).message())
                .startsWith("RENAME COLUMN events.note TO remark breaks clients");
        assertThat(rules(pg("ALTER TABLE events RENAME note TO remark"))).containsExactly("rename-column");
        assertThat(rules(sqlite("ALTER TABLE events RENAME COLUMN note TO remark"))).containsExactly("rename-column");
    }

    @Test
    void addNotNullColumnWithoutDefaultFires() {
        assertThat(pg("ALTER TABLE events ADD COLUMN priority integer NOT NULL")).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("add-not-null-without-default"))
                .satisfies(f -> assertThat(f.message()).startsWith("ADD COLUMN events.priority NOT NULL without a DEFAULT"));
        assertThat(rules(sqlite("ALTER TABLE events ADD priority INTEGER NOT NULL REFERENCES p(id)")))
                .containsExactly("add-not-null-without-default");
    }

    @Test
    void setNotNullFires() {
        assertThat(pg("ALTER TABLE events ALTER COLUMN note SET NOT NULL")).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("set-not-null"))
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "bigint | integer", "int8 | smallint", "integer | smallint", "int | int2",
            "varchar(20) | varchar(10)", "character varying(20) | char(5)", "text | varchar(255)", "text | char(3)",
            "varchar | varchar(50)", "numeric(10,2) | numeric(8,2)", "numeric(10,2) | numeric(10,1)", "numeric | numeric(12,4)",
            "timestamptz | date", "timestamp without time zone | date", "double precision | real", "float8 | float4",
            "numeric(10,2) | integer", "real | bigint", "double precision | smallint", "bigint | double precision"})
    void typeNarrowingFires(String before, String after) {
        List<LintFinding> findings = pg("CREATE TABLE t (id int PRIMARY KEY, c " + before + " NOT NULL DEFAULT 0);",
                "ALTER TABLE t ALTER COLUMN c TYPE " + after + " USING c::" + after + ";");
        assertThat(findings).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("type-narrowing"))
                .satisfies(f -> assertThat(f.version()).isEqualTo("2"))
                .satisfies(f -> assertThat(f.message()).startsWith("ALTER COLUMN t.c TYPE ").contains("narrows it from"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "integer | bigint", "smallint | int", "varchar(10) | varchar(20)", "varchar | text", "varchar(10) | text",
            "char(3) | varchar(3)", "numeric(8,2) | numeric(10,2)", "numeric(8,2) | numeric", "integer | numeric(12,0)",
            "real | double precision", "date | timestamptz", "int | int4"})
    void wideningTypeChangesDoNotFire(String before, String after) {
        assertThat(pg("CREATE TABLE t (c " + before + ")", "ALTER TABLE t ALTER c SET DATA TYPE " + after)).isEmpty();
    }

    @Test
    void typeChangeFromAnUnknownTypeIsReportedAsUnproven() {
        assertThat(pg("ALTER TABLE events ALTER COLUMN count TYPE smallint")).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("type-change"))
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING))
                .satisfies(f -> assertThat(f.message()).contains("could not prove the change is safe"));
    }

    @Test
    void typeChangeBetweenUnrelatedTypesIsReportedAsUnproven() {
        assertThat(rules(pg("CREATE TABLE t (c text)", "ALTER TABLE t ALTER COLUMN c TYPE integer USING c::integer")))
                .containsExactly("type-change");
    }

    @Test
    void typesAreTrackedThroughAddColumnRenamesAndEarlierTypeChanges() {
        List<LintFinding> findings = pg(
                "CREATE TABLE a (x bigint); ALTER TABLE a ADD COLUMN y varchar(40);",
                "ALTER TABLE a ALTER COLUMN x TYPE integer;", // narrowing: now integer
                "ALTER TABLE a RENAME x TO z; ALTER TABLE a RENAME TO b;",
                "ALTER TABLE b ALTER z TYPE bigint, ALTER y TYPE varchar(20);");
        assertThat(rules(findings)).containsExactly("type-narrowing", "rename-column", "rename-table", "type-narrowing");
        assertThat(findings.get(3).message()).startsWith("ALTER COLUMN b.y TYPE varchar(20) narrows it from varchar(40)");
    }

    @Test
    void truncateFires() {
        assertThat(pg("TRUNCATE TABLE ONLY events, logs RESTART IDENTITY")).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("truncate"))
                .satisfies(f -> assertThat(f.message()).startsWith("TRUNCATE events, logs deletes every row"));
    }

    @Test
    void deleteWithoutWhereFires() {
        assertThat(rules(pg("DELETE FROM events", "delete from only events returning id",
                "WITH old AS (SELECT id FROM events WHERE done) DELETE FROM events USING old")))
                .containsExactly("delete-without-where", "delete-without-where", "delete-without-where");
        assertThat(rules(sqlite("DELETE FROM events;"))).containsExactly("delete-without-where");
    }

    @Test
    void deleteWithWhereDoesNotFire() {
        assertThat(pg("DELETE FROM events WHERE id IN (SELECT id FROM old)", "WITH x AS (DELETE FROM a WHERE b RETURNING *) SELECT 1"))
                .isEmpty();
    }

    @Test
    void sqliteTableRebuildIsOneFindingInsteadOfDropAndRename() {
        List<LintFinding> findings = sqlite(
                "CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT, note TEXT);",
                """
                CREATE TABLE new_items (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                INSERT INTO new_items (id, name) SELECT id, name FROM items;
                DROP TABLE items;
                ALTER TABLE new_items RENAME TO items;
                """);
        assertThat(findings).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("table-rebuild"))
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING))
                .satisfies(f -> assertThat(f.line()).isEqualTo(3))
                .satisfies(f -> assertThat(f.message()).startsWith("Table items is rebuilt (CREATE TABLE new_items")
                        .contains("check that no column was dropped or narrowed").contains("Dropped: note."));
    }

    @Test
    void tableRebuildByRenamingTheOldTableFirstIsRecognisedToo() {
        List<LintFinding> findings = sqlite("""
                ALTER TABLE items RENAME TO items_old;
                CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT);
                INSERT INTO items SELECT id, name FROM items_old;
                DROP TABLE items_old;
                """);
        assertThat(findings).singleElement().satisfies(f -> assertThat(f.rule()).isEqualTo("table-rebuild"))
                .satisfies(f -> assertThat(f.message()).startsWith("Table items is rebuilt (RENAME items TO items_old"));
    }

    @Test
    void dropAndRenameWithoutCopyingTheDataAreNotARebuild() {
        assertThat(rules(sqlite("CREATE TABLE n (id TEXT); DROP TABLE items; ALTER TABLE n RENAME TO items;")))
                .containsExactly("drop-table", "rename-table");
    }

    @Test
    void keywordsInsideStringsCommentsAndFunctionBodiesDoNotFire() {
        assertThat(pg("""
                -- DROP TABLE events; TRUNCATE logs;
                /* ALTER TABLE events DROP COLUMN note; */
                INSERT INTO notes (body) VALUES ('DROP TABLE events; DELETE FROM events');
                CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM events;
                  TRUNCATE logs;
                  EXECUTE 'ALTER TABLE events RENAME TO x';
                END $$;
                DO $do$ BEGIN DROP TABLE IF EXISTS scratch; END $do$;
                COMMENT ON TABLE events IS 'ALTER TABLE events ALTER COLUMN id TYPE smallint';
                """)).isEmpty();
        assertThat(sqlite("""
                CREATE TRIGGER purge AFTER DELETE ON parents BEGIN
                  DELETE FROM children;
                  UPDATE log SET note = 'DROP TABLE x' WHERE id = old.id;
                END;
                SELECT "drop table x", [truncate t] FROM t;
                """)).isEmpty();
    }

    @Test
    void otherDropsAndSafeAlterationsDoNotFire() {
        assertThat(pg("""
                DROP INDEX IF EXISTS events_note_idx;
                DROP VIEW v; DROP SEQUENCE s; DROP FUNCTION f();
                ALTER TABLE events ADD COLUMN priority integer NOT NULL DEFAULT 0;
                ALTER TABLE events ADD COLUMN id2 bigserial NOT NULL, ADD COLUMN n int GENERATED ALWAYS AS IDENTITY NOT NULL;
                ALTER TABLE events ADD COLUMN note text, ADD CONSTRAINT c CHECK (note IS NOT NULL) NOT VALID;
                ALTER TABLE events DROP CONSTRAINT c, ALTER COLUMN note DROP NOT NULL, ALTER COLUMN note SET DEFAULT '';
                ALTER TABLE events RENAME CONSTRAINT a TO b;
                CREATE TABLE t (id int NOT NULL, amount numeric(10,2));
                """)).isEmpty();
        assertThat(sqlite("ALTER TABLE events ADD COLUMN done INTEGER NOT NULL DEFAULT 0; CREATE INDEX i ON events(done);")).isEmpty();
    }

    @Test
    void multipleActionsAreEachChecked() {
        assertThat(rules(pg("""
                ALTER TABLE "Events"
                  ADD COLUMN a numeric(10, 2),
                  DROP COLUMN "Note",
                  ALTER COLUMN b SET NOT NULL,
                  ADD COLUMN c int NOT NULL;
                """))).containsExactly("drop-column", "set-not-null", "add-not-null-without-default");
    }

    @Test
    void keywordsMatchInAnyCase() {
        assertThat(rules(pg("dRoP tAbLe x; AlTeR TaBlE y dRoP cOlUmN z; TrUnCaTe w; DeLeTe FrOm v")))
                .containsExactly("drop-table", "drop-column", "truncate", "delete-without-where");
    }

    @Test
    void linesPointAtTheStatementInTheFile() {
        String up = """
                -- Description: tidy up
                CREATE TABLE keep (id int);

                /* the old way */
                DROP TABLE old_events;
                ALTER TABLE keep
                  DROP COLUMN id;
                """;
        List<LintFinding> findings = Linter.lint(List.of(
                new LintInput("20260101_tidy.sql", "20260101", SqlSyntax.POSTGRESQL, up, 4),
                new LintInput("R__views.sql", null, SqlSyntax.POSTGRESQL, "\n\nTRUNCATE t;", 1)));
        assertThat(findings).extracting(LintFinding::script, LintFinding::version, LintFinding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("20260101_tidy.sql", "20260101", 8),
                org.assertj.core.groups.Tuple.tuple("20260101_tidy.sql", "20260101", 9),
                org.assertj.core.groups.Tuple.tuple("R__views.sql", null, 3));
        assertThat(findings.get(0).toString()).startsWith("20260101_tidy.sql:8: error [drop-table] DROP TABLE old_events");
    }

    @Test
    void unterminatedConstructsFailNamingFileAndFileLine() {
        LintInput broken = new LintInput("V7__broken.sql", "7", SqlSyntax.POSTGRESQL, "SELECT 1;\nDO $x$ BEGIN END;\n", 10);
        assertThatThrownBy(() -> Linter.lint(List.of(broken)))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MIGRATION))
                .hasMessageStartingWith("V7__broken.sql: Unterminated dollar-quoted string $x$ starting on line 11");
    }
}
