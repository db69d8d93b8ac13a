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
