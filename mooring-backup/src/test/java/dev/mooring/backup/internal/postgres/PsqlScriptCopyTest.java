package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PsqlScriptCopyTest {
    @RegisterExtension
    static PostgresDatabaseExtension db = PostgresDatabaseExtension.perMethod();

    private final ScriptDatabase target = new ScriptDatabase(db);

    @Test
    void copyDataReachesTheServerUnchanged() throws Exception {
        String script = """
                CREATE TABLE public.t (id int, a text, b text);
                CREATE TABLE public.lines (line text);
                COPY public.t (id, a, b) FROM stdin;
                1\tplain\t\\N
                2\ttab\\there\tnew\\nline
                3\tback\\\\slash\tünïcødé 日本 🚢
                4\t\\\\.\tnot the end
                5\t\t;
                \\.
                COPY public.lines (line) FROM stdin;
                \\\\.
                \\N
                \\.
                -- mooring:dump-complete
                """;

        ScriptResult result = target.restore(script, false);

        assertThat(result.rowsByTable()).containsEntry("public.t", 5L).containsEntry("public.lines", 2L);
        assertThat(result.complete()).isTrue();
        assertThat(target.rows("SELECT id, a, b FROM public.t ORDER BY id")).containsExactly(
                "1|plain|null",
                "2|tab\there|new\nline",
                "3|back\\slash|ünïcødé 日本 🚢",
                "4|\\.|not the end",
                "5||;");
        assertThat(target.rows("SELECT coalesce(line, 'NULL') FROM public.lines")).containsExactly("\\.", "NULL");
    }

    @Test
    void rowsAreCountedPerTargetAsWrittenInScriptOrder() throws Exception {
        String script = """
                CREATE TABLE public.zeta (id int);
                CREATE TABLE public."Odd (Name)" (id int);
                CREATE TABLE public.empty (id int);
                COPY public.zeta (id) FROM stdin;
                1
                2
                \\.
                COPY public."Odd (Name)" (id) FROM stdin;
                1
                \\.
                COPY public.empty (id) FROM stdin;
                \\.
                COPY public.zeta (id) FROM stdin;
                3
                \\.
                """;

        ScriptResult result = target.restore(script, false);

        assertThat(result.statements()).isEqualTo(7);
        assertThat(new ArrayList<>(result.rowsByTable().keySet()))
                .containsExactly("public.zeta", "public.\"Odd (Name)\"", "public.empty");
        assertThat(result.rowsByTable()).containsEntry("public.zeta", 3L).containsEntry("public.\"Odd (Name)\"", 1L)
                .containsEntry("public.empty", 0L);
        assertThat(result.totalRows()).isEqualTo(4);
        assertThat(target.value("SELECT count(*) FROM public.empty")).isEqualTo("0");
    }

    @Test
    void truncatedCopyBlockIsCorruptAndTheConnectionCanStillRollBack() throws Exception {
        String script = "CREATE TABLE public.t (id int);\nCOPY public.t (id) FROM stdin;\n1\n2\n";
        try (Connection conn = db.connect()) {
            conn.setAutoCommit(false);

            assertThatThrownBy(() -> PsqlScriptRunner.run(conn, ScriptDatabase.utf8(script), false))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                    .hasMessage("line 4: the script ends inside the COPY data for public.t begun on line 2, before its"
                            + " \\. line: the script is truncated or corrupt");

            conn.rollback();
        }
        assertThat(target.tableExists("public.t")).isFalse();
    }

    @Test
    void rejectedCopyDataNamesTheTableAndTheScriptLine() {
        String script = "CREATE TABLE public.t (id int, n int);\nCOPY public.t (id, n) FROM stdin;\n1\t1\n2\ttwo\n3\t3\n\\.\n";

        assertThatThrownBy(() -> target.restore(script, false))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessageStartingWith("line 4: COPY data for public.t: ERROR: invalid input syntax for type integer: \"two\"");
    }

    @Test
    void copyIntoTableWithRowsSuggestsAnEmptyTarget() throws Exception {
        target.execute("CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1)");

        assertThatThrownBy(() -> target.restore("COPY public.t (id) FROM stdin;\n1\n\\.\n", false))
                .hasMessageStartingWith("line 2: COPY data for public.t: ERROR: duplicate key value")
                .hasMessageContaining("already exists")
                .hasMessageContaining("restore into an empty database");
    }

    @Test
    void copyIntoAMissingTableNamesTheCopyStatement() {
        assertThatThrownBy(() -> target.restore("SELECT 1;\nCOPY public.nope (id) FROM stdin;\n1\n\\.\n", false))
                .hasMessage("line 2: COPY public.nope (id) FROM stdin: ERROR: relation \"public.nope\" does not exist");
    }

    @Test
    void copyMustBeTheLastStatementOnItsLine() {
        assertThatThrownBy(() -> target.restore("CREATE TABLE public.t (id int);\nCOPY public.t FROM stdin; SELECT 1;\n1\n\\.\n", false))
                .hasMessageStartingWith("line 2: COPY … FROM stdin is followed by another statement on its line");
    }

    @Test
    void twoHundredThousandRowsStreamThroughWithoutReadingTheScriptFirst() throws Exception {
        int rows = 200_000;
        GeneratedScript script = new GeneratedScript(rows);
        List<long[]> reports = new ArrayList<>();

        ScriptResult result = target.restore(script, false, (bytes, copied) -> reports.add(new long[] {bytes, copied}));

        assertThat(result.rowsByTable()).containsEntry("public.big", (long) rows);
        assertThat(result.complete()).isTrue();
        assertThat(target.value("SELECT count(*) || '|' || sum(id) || '|' || count(DISTINCT note) FROM public.big"))
                .isEqualTo(rows + "|" + (long) rows * (rows + 1) / 2 + "|" + rows);
        // Rows were on their way to the server while most of the script was still unread.
        assertThat(reports).anySatisfy(r -> {
            assertThat(r[1]).isPositive();
            assertThat(r[0]).isLessThan(script.length() / 2);
        });
        assertThat(reports).isSortedAccordingTo((x, y) -> Long.compare(x[1], y[1]));
        assertThat(reports.get(reports.size() - 1)).containsExactly(script.length(), rows);
    }

    /** A script with one large COPY block, made up as it is read: it never exists whole, in memory or on disk. */
    private static final class GeneratedScript extends InputStream {
        private static final byte[] HEAD = "CREATE TABLE public.big (id bigint, note text);\nCOPY public.big (id, note) FROM stdin;\n"
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] TAIL = "\\.\n-- mooring:dump-complete\n".getBytes(StandardCharsets.UTF_8);
        private final int rows;
        private final long length;
        private int nextRow = 1;
        private byte[] current = HEAD;
        private int at;

        GeneratedScript(int rows) {
            this.rows = rows;
            long total = HEAD.length + TAIL.length;
            for (int i = 1; i <= rows; i++) {
                total += row(i).length;
            }
            this.length = total;
        }

        long length() {
            return length;
        }

        private static byte[] row(int i) {
            return (i + "\tnote \\\\ " + i + " – ✓\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == current.length) {
                if (current == TAIL) {
                    return -1;
                }
                current = nextRow <= rows ? row(nextRow++) : TAIL;
                at = 0;
            }
            int n = Math.min(len, current.length - at);
            System.arraycopy(current, at, b, off, n);
            at += n;
            return n;
        }
    }
}
