package dev.mooring.migrate.internal.schema;

import dev.mooring.core.Dialects;
import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.SchemaDifference;
import dev.mooring.migrate.SchemaDifference.Kind;
import dev.mooring.migrate.SchemaDifference.ObjectType;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Two PostgreSQL databases built from the same script — the scratch database and the live one — and the
 * drift between them after the live one is changed by hand.
 */
class PostgresSchemaSnapshotTest {
    @RegisterExtension
    static PostgresDatabaseExtension pgA = PostgresDatabaseExtension.perMethod();
    @RegisterExtension
    static PostgresDatabaseExtension pgB = PostgresDatabaseExtension.perMethod();

    private static final Dialect POSTGRES = Dialects.named("postgresql");

    /** What a few migrations of a blogging application leave behind. */
    static final String SCHEMA = """
            CREATE EXTENSION pg_trgm;
            CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');
            CREATE SEQUENCE invoice_number START 1000 INCREMENT 10;
            CREATE TABLE users (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                email text NOT NULL UNIQUE,
                display_name varchar(80),
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE posts (
                id serial PRIMARY KEY,
                author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                title text NOT NULL CHECK (length(title) > 0),
                body text,
                status post_status NOT NULL DEFAULT 'draft',
                invoice integer DEFAULT nextval('invoice_number'),
                search_title text GENERATED ALWAYS AS (lower(title)) STORED,
                deleted_at timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (author_id, title)
            );
            CREATE INDEX posts_title_trgm_idx ON posts USING gin (title gin_trgm_ops);
            CREATE INDEX posts_live_idx ON posts (author_id) WHERE deleted_at IS NULL;
            CREATE VIEW published_posts AS
                SELECT p.id, p.title, u.email FROM posts p JOIN users u ON u.id = p.author_id
                WHERE p.status = 'published';
            CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
            CREATE SCHEMA app;
            CREATE TABLE app.events (
                id uuid PRIMARY KEY,
                post_id integer REFERENCES posts ON DELETE SET NULL,
                kind text NOT NULL
            );
            """;

    @Test
    void sameMigrationsGiveEqualSnapshotsWhateverTheOidsAndSearchPath() throws SQLException {
        execute(pgA, SCHEMA);
        // Different OIDs in the live database, and a session whose search path differs from the scratch one's.
        execute(pgB, "CREATE TABLE filler (x int); DROP TABLE filler; CREATE TYPE gone AS ENUM ('x'); DROP TYPE gone;");
        execute(pgB, SCHEMA);
        SchemaSnapshot expected = snapshot(pgA);
        SchemaSnapshot actual;
        try (Connection c = pgB.connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path = app, public");
            actual = SchemaSnapshot.read(c, POSTGRES, Set.of());
            try (ResultSet rs = s.executeQuery("SHOW search_path")) {
                rs.next();
                assertThat(rs.getString(1)).as("search path restored").isEqualTo("app, public");
            }
        }

        assertThat(expected.compareTo(actual)).isEmpty();
        assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(expected.objects()).extracting(SchemaObject::type, SchemaObject::name).contains(
                tuple(ObjectType.TABLE, "app.events"),
                tuple(ObjectType.COLUMN, "users.id"),
                tuple(ObjectType.CONSTRAINT, "posts.posts_author_id_fkey"),
                tuple(ObjectType.INDEX, "posts_title_trgm_idx"),
                tuple(ObjectType.VIEW, "published_posts"),
                tuple(ObjectType.SEQUENCE, "invoice_number"),
                tuple(ObjectType.SEQUENCE, "posts_id_seq"),
                tuple(ObjectType.TYPE, "post_status"),
                tuple(ObjectType.FUNCTION, "touch_updated_at()"),
                tuple(ObjectType.TRIGGER, "posts.posts_touch"),
                tuple(ObjectType.EXTENSION, "pg_trgm"));
        assertThat(expected.objects()).as("pg_trgm's own functions belong to the extension")
                .noneMatch(o -> o.type() == ObjectType.FUNCTION && o.name().startsWith("similarity"));
        assertThat(description(expected, ObjectType.COLUMN, "users.id"))
                .isEqualTo("bigint, not null, generated always as identity");
        assertThat(description(expected, ObjectType.COLUMN, "posts.search_title"))
                .isEqualTo("text, nullable, generated always as (lower(title)) stored");
        assertThat(description(expected, ObjectType.SEQUENCE, "invoice_number")).isEqualTo(
                "bigint, start 1000, increment 10, min 1, max 9223372036854775807, cache 1, no cycle");
    }

    @Test
    void anExtraTableIsReportedOnceNotOncePerColumn() throws SQLException {
        List<SchemaDifference> differences = driftAfter("""
                CREATE TABLE audit_log (id bigserial PRIMARY KEY, note text NOT NULL);
                CREATE INDEX audit_log_note_idx ON audit_log (note);
                """);

        // Its columns, primary key, index and serial sequence go with it.
        assertThat(differences).containsExactly(
                new SchemaDifference(ObjectType.TABLE, "audit_log", Kind.UNEXPECTED, null, "table"));
        assertThat(differences.get(0).describe()).isEqualTo("table audit_log: unexpected");
    }

    @Test
    void aMissingColumnIsReported() throws SQLException {
        List<SchemaDifference> differences = driftAfter("ALTER TABLE posts DROP COLUMN body");

        assertThat(differences).containsExactly(
                new SchemaDifference(ObjectType.COLUMN, "posts.body", Kind.MISSING, "text, nullable", null));
        assertThat(differences.get(0).describe()).isEqualTo("column posts.body: missing (text, nullable)");
    }

    @Test
    void aChangedColumnTypeIsReported() throws SQLException {
        assertThat(describedDriftAfter("ALTER TABLE users ALTER COLUMN display_name TYPE varchar(120)")).containsExactly(
                "column users.display_name: changed — expected character varying(80), nullable, "
                        + "live character varying(120), nullable");
    }

    @Test
    void changedNullabilityIsReported() throws SQLException {
        assertThat(describedDriftAfter("ALTER TABLE posts ALTER COLUMN body SET NOT NULL")).containsExactly(
                "column posts.body: changed — expected text, nullable, live text, not null");
    }

    @Test
    void aChangedDefaultIsReported() throws SQLException {
        assertThat(describedDriftAfter("ALTER TABLE posts ALTER COLUMN status SET DEFAULT 'published'")).containsExactly(
                "column posts.status: changed — expected post_status, not null, default 'draft'::post_status, "
                        + "live post_status, not null, default 'published'::post_status");
    }

    @Test
    void aMissingIndexIsReported() throws SQLException {
        assertThat(describedDriftAfter("DROP INDEX posts_live_idx")).containsExactly(
                "index posts_live_idx: missing (CREATE INDEX posts_live_idx ON public.posts USING btree (author_id) "
                        + "WHERE (deleted_at IS NULL))");
    }

    @Test
    void aChangedIndexDefinitionIsReported() throws SQLException {
        assertThat(describedDriftAfter("""
                DROP INDEX posts_title_trgm_idx;
                CREATE INDEX posts_title_trgm_idx ON posts (title);
                """)).containsExactly(
                "index posts_title_trgm_idx: changed — expected CREATE INDEX posts_title_trgm_idx ON public.posts "
                        + "USING gin (title gin_trgm_ops), live CREATE INDEX posts_title_trgm_idx ON public.posts "
                        + "USING btree (title)");
    }

    @Test
    void aChangedForeignKeyActionIsReported() throws SQLException {
        assertThat(describedDriftAfter("""
                ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey,
                    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE RESTRICT;
                """)).containsExactly(
                "constraint posts.posts_author_id_fkey: changed — expected FOREIGN KEY (author_id) REFERENCES users(id) "
                        + "ON DELETE CASCADE, live FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE RESTRICT");
    }

    @Test
    void aChangedCheckIsReported() throws SQLException {
        assertThat(describedDriftAfter("""
                ALTER TABLE posts DROP CONSTRAINT posts_title_check,
                    ADD CONSTRAINT posts_title_check CHECK (length(title) > 3);
                """)).containsExactly(
                "constraint posts.posts_title_check: changed — expected CHECK (length(title) > 0), "
                        + "live CHECK (length(title) > 3)");
    }

    @Test
    void aChangedViewIsReported() throws SQLException {
        List<SchemaDifference> differences = driftAfter("""
                CREATE OR REPLACE VIEW published_posts AS
                    SELECT p.id, p.title, u.email FROM posts p JOIN users u ON u.id = p.author_id
                    WHERE p.status = 'published' AND p.deleted_at IS NULL;
                """);

        assertThat(differences).extracting(SchemaDifference::objectType, SchemaDifference::name, SchemaDifference::kind)
                .containsExactly(tuple(ObjectType.VIEW, "published_posts", Kind.CHANGED));
        assertThat(differences.get(0).expected()).doesNotContain("deleted_at").doesNotContain("\n");
        assertThat(differences.get(0).actual()).contains("p.deleted_at IS NULL");
    }

    @Test
    void aMissingTriggerIsReported() throws SQLException {
        assertThat(describedDriftAfter("DROP TRIGGER posts_touch ON posts")).containsExactly(
                "trigger posts.posts_touch: missing (CREATE TRIGGER posts_touch BEFORE UPDATE ON public.posts "
                        + "FOR EACH ROW EXECUTE FUNCTION touch_updated_at())");
    }

    @Test
    void aChangedFunctionBodyIsReported() throws SQLException {
        List<SchemaDifference> differences = driftAfter("""
                CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.updated_at := clock_timestamp();
                    RETURN NEW;
                END
                $$;
                """);

        assertThat(differences).extracting(SchemaDifference::objectType, SchemaDifference::name, SchemaDifference::kind)
                .containsExactly(tuple(ObjectType.FUNCTION, "touch_updated_at()", Kind.CHANGED));
        assertThat(differences.get(0).actual()).contains("NEW.updated_at := clock_timestamp();");
    }

    @Test
    void anAddedEnumLabelIsReported() throws SQLException {
        assertThat(describedDriftAfter("ALTER TYPE post_status ADD VALUE 'hidden'")).containsExactly(
                "type post_status: changed — expected enum ('draft', 'published', 'archived'), "
                        + "live enum ('draft', 'published', 'archived', 'hidden')");
    }

    @Test
    void differencesAreSortedByTypeThenNameAndNamedWithTheirSchema() throws SQLException {
        assertThat(describedDriftAfter("""
                ALTER TABLE app.events ADD COLUMN note text;
                ALTER TABLE users ADD COLUMN bio text DEFAULT '';
                DROP EXTENSION pg_trgm CASCADE;
                CREATE TABLE app.archive (id int);
                """)).containsExactly(
                "table app.archive: unexpected",
                "column app.events.note: unexpected (text, nullable)",
                "column users.bio: unexpected (text, nullable, default ''::text)",
                "index posts_title_trgm_idx: missing (CREATE INDEX posts_title_trgm_idx ON public.posts "
                        + "USING gin (title gin_trgm_ops))",
                "extension pg_trgm: missing (in schema public)");
    }

    @Test
    void ignoredTablesAreLeftOutWithEverythingTheyOwn() throws SQLException {
        execute(pgA, SCHEMA + "CREATE TABLE schema_version (version text PRIMARY KEY);");
        execute(pgB, SCHEMA + """
                CREATE TABLE schema_version (version text PRIMARY KEY, id serial, applied_at timestamptz);
                CREATE INDEX schema_version_applied_idx ON schema_version (applied_at);
                CREATE TRIGGER schema_version_touch BEFORE UPDATE ON schema_version
                    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
                """);

        assertThat(snapshot(pgA).compareTo(snapshot(pgB))).as("not ignored").isNotEmpty();
        assertThat(snapshot(pgA, "SCHEMA_VERSION").compareTo(snapshot(pgB, "public.schema_version"))).isEmpty();
    }

    @Test
    void mooringsOwnSchemaAndChangeCaptureTriggersAreLeftOut() throws SQLException {
        execute(pgA, SCHEMA);
        execute(pgB, SCHEMA + """
                CREATE SCHEMA mooring;
                CREATE TABLE mooring.change_log (id bigserial PRIMARY KEY, table_name text NOT NULL, row_data jsonb);
                CREATE INDEX change_log_table_idx ON mooring.change_log (table_name);
                CREATE VIEW mooring.sync_analytics AS SELECT count(*) FROM mooring.change_log;
                CREATE FUNCTION mooring.capture() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO mooring.change_log (table_name, row_data) VALUES (TG_TABLE_NAME, to_jsonb(NEW));
                    RETURN NEW;
                END
                $$;
                CREATE TRIGGER posts_capture AFTER INSERT OR UPDATE ON posts
                    FOR EACH ROW EXECUTE FUNCTION mooring.capture();
                """);

        assertThat(snapshot(pgA).compareTo(snapshot(pgB))).isEmpty();
    }

    private static List<String> describedDriftAfter(String liveChanges) throws SQLException {
        return driftAfter(liveChanges).stream().map(SchemaDifference::describe).toList();
    }

    /** Builds both databases from {@link #SCHEMA}, changes the live one (B), and compares. */
    private static List<SchemaDifference> driftAfter(String liveChanges) throws SQLException {
        execute(pgA, SCHEMA);
        execute(pgB, SCHEMA);
        execute(pgB, liveChanges);
        return snapshot(pgA).compareTo(snapshot(pgB));
    }

    private static SchemaSnapshot snapshot(PostgresDatabaseExtension db, String... ignoredTables) throws SQLException {
        try (Connection c = db.connect()) {
            return SchemaSnapshot.read(c, POSTGRES, Set.of(ignoredTables));
        }
    }

    private static String description(SchemaSnapshot snapshot, ObjectType type, String name) {
        return snapshot.objects().stream().filter(o -> o.type() == type && o.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(type + " " + name + " not in " + snapshot))
                .description();
    }

    private static void execute(PostgresDatabaseExtension db, String script) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(script);
        }
    }
}
