package dev.mooring.migrate.internal.schema;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.Dialects;
import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.SchemaDifference;
import dev.mooring.migrate.SchemaDifference.Kind;
import dev.mooring.migrate.SchemaDifference.ObjectType;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Two SQLite databases built from the same statements — the scratch database and the live one — and the
 * drift between them when the live one was built differently.
 */
class SqliteSchemaSnapshotTest {
    @RegisterExtension
    static SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    private static final Dialect SQLITE = Dialects.named("sqlite");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** What a few migrations of a blogging application's client leave behind, one statement each. */
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                display_name VARCHAR(80),
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )""", """
            CREATE TABLE posts (
                id TEXT PRIMARY KEY,
                author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                title TEXT NOT NULL CHECK (length(title) > 0),
                body TEXT,
                status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
                score REAL DEFAULT -1,
                title_lower TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL,
                deleted_at TEXT,
                updated_at TEXT,
                UNIQUE (author_id, title),
                CONSTRAINT posts_dates CHECK (deleted_at IS NULL OR deleted_at >= updated_at)
            )""", """
            CREATE TABLE tags (name TEXT NOT NULL, post_id TEXT NOT NULL REFERENCES posts, PRIMARY KEY (post_id, name))
                WITHOUT ROWID""",
            "CREATE INDEX posts_live_idx ON posts (author_id) WHERE deleted_at IS NULL",
            "CREATE INDEX posts_title_idx ON posts (title COLLATE NOCASE)", """
            CREATE VIEW published_posts AS
                SELECT p.id, p.title, u.email FROM posts p JOIN users u ON u.id = p.author_id
                WHERE p.status = 'published'""", """
            CREATE TRIGGER posts_touch AFTER UPDATE OF title, body ON posts
            BEGIN
                UPDATE posts SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
            END""");

    @Test
    void sameMigrationsGiveEqualSnapshots() throws SQLException {
        try (Connection a = open("a.db"); Connection b = open("b.db")) {
            execute(a, SCHEMA);
            // Different root pages and row ids in the live database.
            execute(b, List.of("CREATE TABLE filler (x)", "DROP TABLE filler"));
            execute(b, SCHEMA);
            SchemaSnapshot expected = SchemaSnapshot.read(a, SQLITE, Set.of());
            SchemaSnapshot actual = SchemaSnapshot.read(b, SQLITE, Set.of());

            assertThat(expected.compareTo(actual)).isEmpty();
            assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected);
            assertThat(expected.objects()).extracting(SchemaObject::type, SchemaObject::name, SchemaObject::description)
                    .contains(
                            tuple(ObjectType.TABLE, "tags", "table, without rowid"),
                            tuple(ObjectType.COLUMN, "users.email", "text collate nocase, not null"),
                            tuple(ObjectType.COLUMN, "posts.score", "real, nullable, default -1"),
                            tuple(ObjectType.COLUMN, "posts.title_lower",
                                    "text, nullable, generated always as (lower(title)) virtual"),
                            tuple(ObjectType.CONSTRAINT, "users.users_pkey", "PRIMARY KEY (id) AUTOINCREMENT"),
                            tuple(ObjectType.CONSTRAINT, "users.users_email_key", "UNIQUE (email collate nocase)"),
                            tuple(ObjectType.CONSTRAINT, "posts.posts_author_id_title_key", "UNIQUE (author_id, title)"),
                            tuple(ObjectType.CONSTRAINT, "posts.posts_author_id_fkey",
                                    "FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE CASCADE"),
                            tuple(ObjectType.CONSTRAINT, "tags.tags_post_id_fkey", "FOREIGN KEY (post_id) REFERENCES posts"),
                            tuple(ObjectType.CONSTRAINT, "tags.tags_pkey", "PRIMARY KEY (post_id, name)"),
                            tuple(ObjectType.CONSTRAINT, "posts.posts_title_check", "CHECK (length(title) > 0)"),
                            tuple(ObjectType.CONSTRAINT, "posts.posts_status_check", "CHECK (status in('draft', 'published'))"),
                            tuple(ObjectType.CONSTRAINT, "posts.posts_dates",
                                    "CHECK (deleted_at is null or deleted_at >= updated_at)"),
                            tuple(ObjectType.INDEX, "posts_live_idx",
                                    "create index posts_live_idx on posts(author_id) where deleted_at is null"),
                            tuple(ObjectType.TRIGGER, "posts.posts_touch", "create trigger posts_touch after update of "
                                    + "title, body on posts begin update posts set updated_at = current_timestamp "
                                    + "where id = new.id; end"));
        }
    }

    @Test
    void whiteSpaceCommentsCaseAndQuotingDoNotCount() throws SQLException {
        List<String> reformatted = new ArrayList<>();
        for (String statement : SCHEMA) {
            reformatted.add(statement.replace("\n", "\n    -- a comment (with a parenthesis\n  ")
                    .replace("CREATE", "create").replace("TABLE posts (", "TABLE [Posts](")
                    .replace("ON posts ", "ON \"POSTS\" ").replace("users (id)", "`USERS` ( id )")
                    .replace("lower(", "LOWER (").replace(" > ", ">").replace("TEXT", "Text"));
        }
        try (Connection a = open("a.db"); Connection b = open("b.db")) {
            execute(a, SCHEMA);
            execute(b, reformatted);

            assertThat(SchemaSnapshot.read(a, SQLITE, Set.of()).compareTo(SchemaSnapshot.read(b, SQLITE, Set.of())))
                    .isEmpty();
        }
    }

    @Test
    void anExtraTableIsReportedOnceNotOncePerColumn() throws SQLException {
        assertThat(drift(SCHEMA, with(SCHEMA, "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT NOT NULL)",
                "CREATE INDEX audit_log_note_idx ON audit_log (note)")))
                .containsExactly(new SchemaDifference(ObjectType.TABLE, "audit_log", Kind.UNEXPECTED, null, "table"));
    }

    @Test
    void aMissingColumnIsReported() throws SQLException {
        assertThat(described(SCHEMA, with(SCHEMA, "ALTER TABLE posts DROP COLUMN score")))
                .containsExactly("column posts.score: missing (real, nullable, default -1)");
    }

    @Test
    void aChangedColumnTypeIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("display_name VARCHAR(80)", "display_name VARCHAR(120)"))).containsExactly(
                "column users.display_name: changed — expected varchar(80), nullable, live varchar(120), nullable");
    }

    @Test
    void changedNullabilityIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("body TEXT,", "body TEXT NOT NULL,"))).containsExactly(
                "column posts.body: changed — expected text, nullable, live text, not null");
    }

    @Test
    void aChangedDefaultIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("DEFAULT 'draft'", "DEFAULT 'published'"))).containsExactly(
                "column posts.status: changed — expected text, not null, default 'draft', "
                        + "live text, not null, default 'published'");
    }

    @Test
    void aMissingIndexIsReported() throws SQLException {
        assertThat(described(SCHEMA, with(SCHEMA, "DROP INDEX posts_live_idx"))).containsExactly(
                "index posts_live_idx: missing (create index posts_live_idx on posts(author_id) where deleted_at is null)");
    }

    @Test
    void aChangedIndexDefinitionIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("(title COLLATE NOCASE)", "(title)"))).containsExactly(
                "index posts_title_idx: changed — expected create index posts_title_idx on posts(title collate nocase), "
                        + "live create index posts_title_idx on posts(title)");
    }

    @Test
    void aChangedForeignKeyActionIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("ON DELETE CASCADE", "ON DELETE SET NULL ON UPDATE CASCADE"))).containsExactly(
                "constraint posts.posts_author_id_fkey: changed — expected FOREIGN KEY (author_id) REFERENCES users(id) "
                        + "ON DELETE CASCADE, live FOREIGN KEY (author_id) REFERENCES users(id) ON UPDATE CASCADE "
                        + "ON DELETE SET NULL");
    }

    @Test
    void aChangedCheckIsReported() throws SQLException {
        assertThat(described(SCHEMA, replace("length(title) > 0", "length(title) > 3"))).containsExactly(
                "constraint posts.posts_title_check: changed — expected CHECK (length(title) > 0), "
                        + "live CHECK (length(title) > 3)");
    }

    @Test
    void aChangedViewIsReported() throws SQLException {
        List<SchemaDifference> differences = drift(SCHEMA,
                replace("WHERE p.status = 'published'", "WHERE p.status = 'published' AND p.deleted_at IS NULL"));

        assertThat(differences).extracting(SchemaDifference::objectType, SchemaDifference::name, SchemaDifference::kind)
                .containsExactly(tuple(ObjectType.VIEW, "published_posts", Kind.CHANGED));
        assertThat(differences.get(0).actual()).endsWith("where p.status = 'published' and p.deleted_at is null");
    }

    @Test
    void aMissingTriggerIsReported() throws SQLException {
        assertThat(drift(SCHEMA, with(SCHEMA, "DROP TRIGGER posts_touch")))
                .extracting(SchemaDifference::objectType, SchemaDifference::name, SchemaDifference::kind)
                .containsExactly(tuple(ObjectType.TRIGGER, "posts.posts_touch", Kind.MISSING));
    }

    @Test
    void ignoredTablesAreLeftOutWithEverythingTheyOwn() throws SQLException {
        List<String> scratch = with(SCHEMA, "CREATE TABLE schema_version (version TEXT PRIMARY KEY)");
        List<String> live = with(SCHEMA, "CREATE TABLE Schema_Version (version TEXT PRIMARY KEY, applied_at TEXT)",
                "CREATE INDEX schema_version_applied_idx ON schema_version (applied_at)");

        assertThat(drift(scratch, live)).as("not ignored").isNotEmpty();
        assertThat(drift(scratch, live, "SCHEMA_VERSION")).isEmpty();
        assertThat(drift(scratch, live, "main.schema_version")).isEmpty();
    }

    @Test
    void constraintNamesNeverCollide() throws SQLException {
        try (Connection c = open("names.db")) {
            execute(c, List.of("""
                    CREATE TABLE t (
                        a INTEGER PRIMARY KEY CHECK (a > 0) CHECK (a < 10),
                        CONSTRAINT t_pkey CHECK (a <> 5),
                        CHECK (a <> 6)
                    )"""));

            assertThat(SchemaSnapshot.read(c, SQLITE, Set.of()).objects())
                    .filteredOn(o -> o.type() == ObjectType.CONSTRAINT)
                    .extracting(SchemaObject::name, SchemaObject::description).containsExactly(
                            tuple("t.t_a_check", "CHECK (a > 0)"),
                            tuple("t.t_a_check1", "CHECK (a < 10)"),
                            tuple("t.t_check", "CHECK (a <> 6)"),
                            tuple("t.t_pkey", "PRIMARY KEY (a)"),
                            tuple("t.t_pkey1", "CHECK (a <> 5)"));
        }
    }

    private static List<String> described(List<String> scratch, List<String> live) throws SQLException {
        return drift(scratch, live).stream().map(SchemaDifference::describe).toList();
    }

    /** Builds the scratch database (A) and the live one (B) from their statements, and compares. */
    private static List<SchemaDifference> drift(List<String> scratch, List<String> live, String... ignoredTables)
            throws SQLException {
        int n = DATABASES.incrementAndGet();
        try (Connection a = open("scratch" + n + ".db"); Connection b = open("live" + n + ".db")) {
            execute(a, scratch);
            execute(b, live);
            return SchemaSnapshot.read(a, SQLITE, Set.of(ignoredTables))
                    .compareTo(SchemaSnapshot.read(b, SQLITE, Set.of(ignoredTables)));
        }
    }

    private static List<String> with(List<String> statements, String... more) {
        List<String> all = new ArrayList<>(statements);
        all.addAll(List.of(more));
        return all;
    }

    /** {@link #SCHEMA} with one piece of one statement replaced. */
    private static List<String> replace(String text, String replacement) {
        assertThat(SCHEMA).as("a statement contains " + text).anyMatch(s -> s.contains(text));
        return SCHEMA.stream().map(s -> s.replace(text, replacement)).toList();
    }

    /** A connection to a fresh database file in the test's folder; the extension deletes the folder. */
    private static Connection open(String file) throws SQLException {
        return DatabaseUrl.parse(sqlite.folder().resolve(file).toString()).toDataSource().getConnection();
    }

    private static void execute(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
