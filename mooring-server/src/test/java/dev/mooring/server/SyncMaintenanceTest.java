package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncMaintenanceTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @Test
    void historyOlderThanTheRetentionIsPrunedAndOlderCursorsMustBootstrapAgain() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        SyncService sync = SyncService.create(pg.dataSource(), SyncTestSupport.config());
        String[] stale = {null};
        pullAll(sync, "u1", "old-phone", stale);
        execute(pg.dataSource(), """
                INSERT INTO notes (id, user_id, title, deleted_at) VALUES
                  ('00000000-0000-0000-0000-000000000001', 'u1', 'deleted long ago', now() - interval '100 days'),
                  ('00000000-0000-0000-0000-000000000002', 'u1', 'deleted yesterday', now() - interval '1 day'),
                  ('00000000-0000-0000-0000-000000000003', 'u1', 'live', NULL);
                UPDATE mooring.change_log SET changed_at = now() - interval '100 days';
                """);
        String[] fresh = {null};
        pullAll(sync, "u1", "new-phone", fresh);

        SyncMaintenance.PruneReport report = SyncMaintenance.prune(pg.dataSource(), SyncTestSupport.config());

        assertThat(report.tombstonesPurged()).containsEntry("notes", 1L).containsEntry("holidays", 0L);
        assertThat(report.changesPruned()).isEqualTo(3);
        assertThat(scalar(pg.dataSource(), "SELECT string_agg(title, ',' ORDER BY title) FROM notes"))
                .isEqualTo("deleted yesterday,live");
        assertThatThrownBy(() -> sync.pull("u1", "old-phone", stale[0], 100))
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.CURSOR_EXPIRED);
        assertThat(pullAll(sync, "u1", "new-phone", fresh)).singleElement()
                .satisfies(c -> assertThat(c.op().name()).isEqualTo("DELETE"));
        assertThat(SyncMaintenance.prune(pg.dataSource(), SyncTestSupport.config()).changesPruned()).isZero();
    }
}
