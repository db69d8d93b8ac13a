package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.TableSummary;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresDumpTest {
    @RegisterExtension
    static PostgresDatabaseExtension db = PostgresDatabaseExtension.perMethod();

    @Test
    void richSchemaRoundTripsCatalogsAndData() throws Exception {
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/rich-schema.sql"));
        assertRoundTrip(1);
    }

    @Test
    void pagilaRoundTripsCatalogsAndData() throws Exception {
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/pagila/pagila-schema.sql"));
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/pagila-data.sql"));
        PostgresDumpResult result = assertRoundTrip(3);
        assertThat(result.tables()).extracting(TableSummary::table).contains("public.payment_p2023_06", "public.film");
        assertThat(result.tables()).filteredOn(t -> t.table().equals("public.rental")).singleElement()
                .extracting(TableSummary::rows).isEqualTo(5000L);
    }

    @Test
    void privilegesOfEveryKindRoundTripWithTheObjects() throws Exception {
        String reader = "reader_" + ProcessHandle.current().pid();
        String writer = "writer_" + ProcessHandle.current().pid();
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/rich-schema.sql"));
        DumpRoundTrip.load(db.dataSource(), """
                CREATE ROLE %1$s; CREATE ROLE %2$s;
                CREATE SCHEMA shared AUTHORIZATION pg_database_owner;
                CREATE TABLE shared.board (id serial PRIMARY KEY, note text, secret text);
                CREATE VIEW shared.board_notes AS SELECT id, note FROM shared.board;
                CREATE TYPE shared.mood AS ENUM ('calm', 'stormy');
                CREATE DOMAIN shared.short_text AS text CHECK (length(VALUE) < 10);
                CREATE FUNCTION shared.twice(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
                CREATE PROCEDURE shared.touch() LANGUAGE sql AS 'SELECT 1';
                CREATE FUNCTION shared.languages() RETURNS TABLE (language text) LANGUAGE sql AS 'SELECT ''sql''::text';
                REVOKE ALL ON SCHEMA public FROM PUBLIC;
                GRANT USAGE ON SCHEMA public, shared TO %1$s;
                GRANT CREATE ON SCHEMA shared TO %2$s WITH GRANT OPTION;
                GRANT SELECT ON shared.board_notes TO %1$s;
                GRANT SELECT (id, note), UPDATE (note) ON shared.board TO %1$s;
                GRANT SELECT, INSERT, UPDATE, DELETE ON shared.board TO %2$s;
                GRANT USAGE, SELECT ON SEQUENCE shared.board_id_seq TO %2$s;
                REVOKE EXECUTE ON FUNCTION shared.twice(integer) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION shared.twice(integer) TO %1$s;
                REVOKE EXECUTE ON PROCEDURE shared.touch() FROM PUBLIC;
                REVOKE USAGE ON TYPE shared.mood FROM PUBLIC;
                GRANT USAGE ON TYPE shared.mood TO %2$s;
                GRANT USAGE ON DOMAIN shared.short_text TO %1$s;
                ALTER DEFAULT PRIVILEGES IN SCHEMA shared GRANT SELECT ON TABLES TO %1$s;
                ALTER DEFAULT PRIVILEGES FOR ROLE %2$s IN SCHEMA shared GRANT USAGE ON SEQUENCES TO %1$s;
                """.formatted(reader, writer));
        try {
            assertRoundTrip(1);
        } finally {
            DumpRoundTrip.load(db.dataSource(), "DROP OWNED BY %1$s, %2$s; DROP ROLE %1$s; DROP ROLE %2$s;"
                    .formatted(reader, writer));
        }
    }

    private static PostgresDumpResult assertRoundTrip(int jobs) throws Exception {
        DumpRoundTrip.Dumped dump = DumpRoundTrip.dump(db.dataSource(), jobs);
        String target = DumpRoundTrip.newDatabase(db.server());
        try {
            assertThat(DumpRoundTrip.restore(db.server(), target, dump.script()).complete()).isTrue();
            DumpRoundTrip.assertSameCatalog(DumpRoundTrip.catalog(db.server().dataSource(target)),
                    DumpRoundTrip.catalog(db.dataSource()));
            List<TableSummary> restored = DumpRoundTrip.summaries(db.server().dataSource(target));
            assertThat(restored).isEqualTo(dump.result().tables());
            assertThat(DumpRoundTrip.summaries(db.dataSource())).isEqualTo(dump.result().tables());
            assertThat(dump.script()).endsWith(DumpScript.COMPLETE + "\n");
            return dump.result();
        } finally {
            db.server().dropDatabase(target);
        }
    }
}
