package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.TableSummary;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
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
        DumpRoundTrip.load(db.dataSource(), Files.readString(pagilaSchema()));
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/pagila-data.sql"));
        PostgresDumpResult result = assertRoundTrip(3);
        assertThat(result.tables()).extracting(TableSummary::table).contains("public.payment_p2023_06", "public.film");
        assertThat(result.tables()).filteredOn(t -> t.table().equals("public.rental")).singleElement()
                .extracting(TableSummary::rows).isEqualTo(5000L);
    }

    /**
     * The shared Pagila schema, found by walking up from the module to the folder holding shared/. It lives beside
     * the checkout, not in it; a checkout without it (a bare clone elsewhere) skips this test and says why.
     */
    private static Path pagilaSchema() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/pagila/pagila-schema.sql");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Assumptions.abort("shared/fixtures/pagila/pagila-schema.sql not found in any folder above "
                + Path.of("").toAbsolutePath() + "; the Pagila round trip needs the shared fixtures beside the checkout");
        return null;
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
