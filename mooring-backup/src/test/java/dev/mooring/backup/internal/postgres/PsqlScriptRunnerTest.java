package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PsqlScriptRunnerTest {
    @RegisterExtension
    static PostgresDatabaseExtension db = PostgresDatabaseExtension.perMethod();

    private final ScriptDatabase target = new ScriptDatabase(db);

    @Test
    void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotSplitStatements() throws Exception {
        String script = """
                -- a comment; with a semicolon
                CREATE TABLE public.t (id int, "we;ird" text, note text);
                /* outer /* nested; */ still a comment; */
                CREATE FUNCTION public.bump(n int) RETURNS int
                    LANGUAGE plpgsql
                    AS $$
                DECLARE
                  r int;
                BEGIN
                  r := n + 1;
                  RETURN r;
                END;
                $$;
                CREATE FUNCTION public.tagged() RETURNS text LANGUAGE sql AS $body$
                  SELECT 'has $$ and ; inside';
                $body$;
                INSERT INTO public.t VALUES (1, 'it''s; fine', E'back\\\\slash \\'quote\\'; done');
                INSERT INTO public.t VALUES (2, 'a', 'b'); INSERT INTO public.t VALUES (3, 'c',
                  'spans;
                lines');
                """;

        ScriptResult result = target.restore(script, false);

        assertThat(result.statements()).isEqualTo(6);
        assertThat(result.rowsByTable()).isEmpty();
        assertThat(target.value("SELECT public.bump(41)")).isEqualTo("42");
        assertThat(target.value("SELECT public.tagged()")).isEqualTo("has $$ and ; inside");
        assertThat(target.rows("SELECT id, \"we;ird\", note FROM public.t ORDER BY id")).containsExactly(
                "1|it's; fine|back\\slash 'quote'; done", "2|a|b", "3|c|spans;\nlines");
    }

    @Test
    void markerAndMetaCommandLinesInsideAStatementAreSql() throws Exception {
        String script = """
                CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$
                -- mooring:clean-begin
                SELECT '\\connect elsewhere';
                $$;
                """;

        target.restore(script, false);

        assertThat(target.value("SELECT public.f()")).isEqualTo("\\connect elsewhere");
    }

    @Test
    void cleanSectionIsSkippedUnlessCleanIsAsked() throws Exception {
        target.execute("CREATE TABLE public.t (id int); INSERT INTO public.t VALUES (99)");
        String script = """
                -- mooring:clean-begin
                DROP TABLE IF EXISTS public.t;
                -- mooring:clean-end
                CREATE TABLE public.t (id int);
                INSERT INTO public.t VALUES (1);
                -- mooring:dump-complete
                """;

        assertThatThrownBy(() -> target.restore(script, false))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessageStartingWith("line 4: CREATE TABLE public.t (id int): ERROR: relation \"t\" already exists")
                .hasMessageContaining("restore into an empty database, or use --clean");
        assertThat(target.rows("SELECT id FROM public.t")).containsExactly("99");

        ScriptResult result = target.restore(script, true);

        assertThat(result.statements()).isEqualTo(3);
        assertThat(target.rows("SELECT id FROM public.t")).containsExactly("1");
    }

    @Test
    void completionMarkerIsReportedOnlyWhenNothingFollowsIt() throws Exception {
        assertThat(target.restore("SELECT 1;\n-- mooring:dump-complete\n", false).complete()).isTrue();
        assertThat(target.restore("SELECT 1;\n-- PostgreSQL database dump complete\n--\n\n", false).complete()).isTrue();
        assertThat(target.restore("SELECT 1;\n", false).complete()).isFalse();
        assertThat(target.restore("-- mooring:dump-complete\nSELECT 1;\n", false).complete()).isFalse();
        assertThat(target.restore("SELECT 1; -- mooring:dump-complete\n", false).complete()).isFalse();
    }

    @Test
    void failureMidScriptLeavesTheDatabaseUnchangedOnceTheCallerRollsBack() throws Exception {
        String script = """
                CREATE TABLE public.a (id int);
                COPY public.a (id) FROM stdin;
                1
                2
                \\.
                SELECT 1/0;
                CREATE TABLE public.b (id int);
                """;

        assertThatThrownBy(() -> target.restore(script, false))
                .hasMessage("line 6: SELECT 1/0: ERROR: division by zero");

        assertThat(target.tableExists("public.a")).isFalse();
        assertThat(target.tableExists("public.b")).isFalse();
    }

    @Test
    void longStatementsAreQuotedByTheirStartOnOneLine() throws Exception {
        String script = "\n\nCREATE TABLE public.t (\n    id int,\n" + "    filler int,\n".repeat(30) + "    oops nosuchtype\n);\n";

        assertThatThrownBy(() -> target.restore(script, false))
                .hasMessageStartingWith("line 3: CREATE TABLE public.t ( id int, filler int, filler int,")
                .hasMessageContaining("…: ERROR: type \"nosuchtype\" does not exist")
                .message().doesNotContain("\n");
    }

    @Test
    void restrictLinesAreSkipped() throws Exception {
        String script = "\\restrict Ab3Cd9\n\nCREATE TABLE public.t (id int);\n\n\\unrestrict Ab3Cd9\n";

        assertThat(target.restore(script, false).statements()).isEqualTo(1);
        assertThat(target.tableExists("public.t")).isTrue();
    }

    @Test
    void markersAndMetaCommandsAfterABlockCommentStillCount() throws Exception {
        String script = "/* a header\n   in a block comment */\n\\restrict k\nSELECT 1;\n/* done */\n-- mooring:dump-complete\n";

        ScriptResult result = target.restore(script, false);

        assertThat(result.statements()).isEqualTo(1);
        assertThat(result.complete()).isTrue();
    }

    @Test
    void connectIsRefusedBecauseTheScriptSwitchesDatabases() {
        String script = "SELECT 1;\n\\connect -reuse-previous=on \"dbname='other'\"\nCREATE TABLE public.t (id int);\n";

        assertThatThrownBy(() -> target.restore(script, false))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessageStartingWith("line 2: the script switches databases (\\connect)")
                .hasMessageNotContaining("other");
        assertThatThrownBy(() -> target.restore("\\c other\n", false)).hasMessageContaining("switches databases (\\c)");
    }

    @Test
    void otherMetaCommandsAreRefusedByName() {
        assertThatThrownBy(() -> target.restore("SELECT 1;\n\\set ON_ERROR_STOP 0\n", false))
                .hasMessageStartingWith("line 2: the psql meta-command \\set is not supported");
        assertThatThrownBy(() -> target.restore("SELECT 1;\n\\.\n", false))
                .hasMessage("line 2: a \\. line outside any COPY data block: the script is truncated or corrupt");
    }

    @Test
    void scriptEndingInsideAStatementIsTruncated() {
        String script = "SELECT 1;\nCREATE FUNCTION public.f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\n";

        assertThatThrownBy(() -> target.restore(script, false))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessageStartingWith("line 2: the statement starting here never ends (CREATE FUNCTION public.f()")
                .hasMessageEndingWith("the script is truncated or corrupt");
    }

    @Test
    void cleanSectionWithoutItsEndIsTruncated() {
        assertThatThrownBy(() -> target.restore("-- mooring:clean-begin\nDROP TABLE x;\n", false))
                .hasMessageContaining("the clean section begun on line 1 has no -- mooring:clean-end line")
                .hasMessageEndingWith("the script is truncated or corrupt");
    }

    @Test
    void invalidUtf8InAStatementIsCorrupt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("SELECT 1;\nSELECT '".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        bytes.writeBytes("';\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> target.restore(new ByteArrayInputStream(bytes.toByteArray()), false, ScriptProgress.NONE))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessage("line 2: the line is not valid UTF-8: the script is truncated or corrupt");
    }

    @Test
    void autocommitConnectionsAreRefused() throws Exception {
        try (Connection conn = db.connect()) {
            assertThatThrownBy(() -> PsqlScriptRunner.run(conn, ScriptDatabase.utf8("SELECT 1;"), false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("autocommit");
        }
    }

    @Test
    void crlfLineEndingsAreAccepted() throws Exception {
        String script = "CREATE TABLE public.t (id int);\r\nCOPY public.t (id) FROM stdin;\r\n7\r\n\\.\r\n-- mooring:dump-complete\r\n";

        ScriptResult result = target.restore(script, false);

        assertThat(result.rowsByTable()).containsEntry("public.t", 1L);
        assertThat(result.complete()).isTrue();
        assertThat(target.rows("SELECT id FROM public.t")).containsExactly("7");
    }
}
