package dev.mooring.core.sql;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSplittingTest {

    private static List<SqlStatement> split(String script) {
        return SqlSplitter.split(script, SqlSyntax.SQLITE);
    }

    private static List<String> sql(String script) {
        return split(script).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void statementsEndAtSemicolonsOutsideQuotesAndComments() {
        assertThat(sql("INSERT INTO t VALUES ('a;b', 'it''s;'); -- c;\nSELECT \"x;\"\"y\" /* ; */ FROM t;;"))
                .containsExactly("INSERT INTO t VALUES ('a;b', 'it''s;')", "SELECT \"x;\"\"y\" /* ; */ FROM t");
    }

    @Test
    void bracketAndBacktickIdentifiersHoldSemicolons() {
        assertThat(sql("SELECT [a;b], `c;``d` FROM [t;]; SELECT 2")).containsExactly("SELECT [a;b], `c;``d` FROM [t;]", "SELECT 2");
    }

    @Test
    void blockCommentsDoNotNest() {
        assertThat(sql("SELECT /* a /* b */ 1; SELECT 2 */ 3")).containsExactly("SELECT /* a /* b */ 1", "SELECT 2 */ 3");
    }

    @Test
    void dollarSignsAndBackslashesAreOrdinary() {
        assertThat(sql("SELECT $$; SELECT 'C:\\'; SELECT e'x'; SELECT $a")).containsExactly("SELECT $$", "SELECT 'C:\\'", "SELECT e'x'", "SELECT $a");
    }

    @Test
    void triggerBodySemicolonsDoNotEndTheTrigger() {
        String trigger = """
                CREATE TRIGGER items_touch AFTER UPDATE ON items
                BEGIN
                  UPDATE items SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
                  INSERT INTO sync_queue (op, payload) VALUES ('update', 'semi;colon');
                END""";
        assertThat(split(trigger + ";\nSELECT 1;"))
                .containsExactly(new SqlStatement(trigger, 1), new SqlStatement("SELECT 1", 6));
    }

    @Test
    void caseEndInsideTriggerBodyDoesNotEndTheTrigger() {
        String trigger = """
                create temp trigger grade after insert on scores
                when new.score is not null
                begin
                  update scores set grade = case when new.score > 50 then 'pass' else 'fail' end where id = new.id;
                  select case new.score when 0 then raise(abort, 'zero; no') end;
                end""";
        assertThat(sql(trigger + ";\nselect 2")).containsExactly(trigger, "select 2");
    }

    @Test
    void triggerCaseEndInWhenClauseBeforeBegin() {
        String trigger = "CREATE TEMPORARY TRIGGER t AFTER INSERT ON a WHEN CASE WHEN new.x THEN 1 END BEGIN SELECT 1; SELECT 2; END";
        assertThat(sql(trigger + "; SELECT 3")).containsExactly(trigger, "SELECT 3");
    }

    @Test
    void keywordsAreWholeWordsInAnyCase() {
        String trigger = """
                CREATE TRIGGER "t;1" AFTER INSERT ON events BEGIN
                  UPDATE events SET begin_date = NEW.begin_date, end_date = NEW.end_date, backend = 'x' WHERE id = NEW.id;
                  UPDATE events SET [end] = 1;
                eNd""";
        assertThat(sql(trigger + ";SELECT begin_date FROM events;")).containsExactly(trigger, "SELECT begin_date FROM events");
    }

    @Test
    void triggerKeywordsInsideStringsAndCommentsAreIgnored() {
        String trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT '; END;'; -- ; END ;\n SELECT 1; /* ; END; */ END";
        assertThat(sql(trigger + "; SELECT 2")).containsExactly(trigger, "SELECT 2");
    }

    @Test
    void triggerWithoutFinalSemicolonIsReturned() {
        assertThat(sql("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END"))
                .containsExactly("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END");
    }

    @Test
    void otherCreateStatementsAndTransactionsSplitNormally() {
        assertThat(sql("CREATE TABLE trigger_log (begin int, [end] int); BEGIN; CREATE VIEW v AS SELECT 1; END;"))
                .containsExactly("CREATE TABLE trigger_log (begin int, [end] int)", "BEGIN", "CREATE VIEW v AS SELECT 1", "END");
    }

    @Test
    void unterminatedConstructsNameWhatAndLine() {
        assertThatThrownBy(() -> split("SELECT 1;\nSELECT [col"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MIGRATION))
                .hasMessageStartingWith("Unterminated bracketed identifier starting on line 2");
        assertThatThrownBy(() -> split("SELECT `col")).hasMessageStartingWith("Unterminated quoted identifier starting on line 1");
        assertThatThrownBy(() -> split("\n\n\n/* SELECT 1;")).hasMessageStartingWith("Unterminated block comment starting on line 4");
        assertThatThrownBy(() -> split("INSERT INTO t VALUES ('it''s);\n")).hasMessageStartingWith("Unterminated string literal starting on line 1");
    }
}
