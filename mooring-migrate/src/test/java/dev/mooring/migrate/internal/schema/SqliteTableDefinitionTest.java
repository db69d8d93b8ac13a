package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.internal.schema.SqliteTableDefinition.Check;
import dev.mooring.migrate.internal.schema.SqliteTableDefinition.Column;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteTableDefinitionTest {

    @Test
    void readsChecksCollationsAndGeneratedColumns() {
        SqliteTableDefinition table = SqliteTableDefinition.parse("""
                CREATE TABLE "Items" (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL COLLATE NOCASE CHECK (name <> '') CHECK (length(name) < 100),
                    price NUMERIC(10, 2) DEFAULT (0.0) CONSTRAINT price_positive CHECK (price >= 0),
                    total NUMERIC AS (price * 1.2) STORED, -- "as" inside a comment (x)
                    note TEXT CHECK (CAST(note AS TEXT) IS note) COLLATE RTRIM,
                    CHECK (id > 0),
                    CONSTRAINT named_check CHECK (name <> 'x, y'),
                    CHECK (price < 1000000)
                ) STRICT""");

        assertThat(table.columns()).containsEntry("name", new Column("nocase", null))
                .containsEntry("price", new Column(null, null))
                .containsEntry("total", new Column(null, "price * 1.2"))
                .containsEntry("note", new Column("rtrim", null));
        assertThat(table.checks()).containsExactly(
                new Check(null, "name", "name <> ''"),
                new Check(null, "name", "length(name) < 100"),
                new Check("price_positive", "price", "price >= 0"),
                new Check(null, "note", "cast(note as text) is note"),
                new Check(null, null, "id > 0"),
                new Check("named_check", null, "name <> 'x, y'"),
                new Check(null, null, "price < 1000000"));
        assertThat(table.autoincrement()).isTrue();
    }

    @Test
    void aTableCreatedFromASelectHasNothingToRead() {
        SqliteTableDefinition table = SqliteTableDefinition.parse("CREATE TABLE copy AS SELECT 1 AS x");

        assertThat(table.columns()).isEmpty();
        assertThat(table.checks()).isEmpty();
    }

    @Test
    void unbalancedTextDoesNotBreakTheParser() {
        assertThat(SqliteTableDefinition.parse("CREATE TABLE t (a TEXT CHECK (").checks())
                .containsExactly(new Check(null, "a", ""));
        assertThat(SqliteTableDefinition.parse("CREATE TABLE t (a AS (b").columns())
                .containsEntry("a", new Column(null, "b"));
    }
}
