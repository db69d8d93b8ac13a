package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.TableSummary;
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
        DumpRoundTrip.Dumped dump = DumpRoundTrip.dump(db.dataSource(), 1);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/rich-dump.sql"), dump.script());
        String target = DumpRoundTrip.newDatabase(db.server());
        try {
            DumpRoundTrip.restore(db.server(), target, dump.script());
            DumpRoundTrip.assertSameCatalog(DumpRoundTrip.catalog(db.server().dataSource(target)),
                    DumpRoundTrip.catalog(db.dataSource()));
            List<TableSummary> restored = DumpRoundTrip.summaries(db.server().dataSource(target));
            assertThat(restored).isEqualTo(dump.result().tables());
            assertThat(DumpRoundTrip.summaries(db.dataSource())).isEqualTo(dump.result().tables());
        } finally {
            db.server().dropDatabase(target);
        }
    }
}
