package dev.mooring.server;

import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * Known figures for the admin dashboard's tests, written straight into the bookkeeping tables. In the last hour: 37
 * failed pulls of alice's and 3 pushes of {@value #TOP_USER}'s with 40 changes and 5 conflicts (a conflict rate of
 * 12.5%); 3 days ago 10 pulls of bob's with 2 changes each; 20 days ago 5 syncs the charts leave out. One conflict
 * waits, its client value markup ({@value #HOSTILE}); one was decided by a rule. Alice's phone is behind; bob's is
 * not; a third node never pulled.
 */
final class AdminDashboardSeed {
    static final String TOP_USER = "zebulon";
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    static final String ERROR = "connection reset while reading the page";
    static final String WAITING_ROW = "00000000-0000-0000-0000-00000000002a";

    private AdminDashboardSeed() {
    }

    static void seed(DataSource ds) throws SQLException {
        SyncTestSupport.execute(ds, """
                INSERT INTO notes (id, user_id, title) VALUES
                  ('00000000-0000-0000-0000-000000000001', 'alice', 'waits for alice''s phone'),
                  ('%s', '%s', 'the server''s title');
                INSERT INTO mooring.nodes (node_id, user_id, last_pulled) VALUES ('alice-phone', 'alice', '1'),
                  ('zeb-laptop', '%s', NULL);
                """.formatted(WAITING_ROW, TOP_USER, TOP_USER));
        // a later transaction: bob's phone has pulled everything written so far
        SyncTestSupport.execute(ds, """
                INSERT INTO mooring.nodes (node_id, user_id, last_pulled) VALUES ('bob-phone', 'bob', pg_current_xact_id());
                INSERT INTO mooring.sync_sessions (node_id, user_id, kind, started_at, duration_ms, changes, conflicts, ok, error)
                SELECT 'alice-phone', 'alice', 'pull', now() - make_interval(secs => 60 + i), 12, 0, 0, false, '%s'
                  FROM generate_series(1, 37) i
                UNION ALL
                SELECT 'zeb-laptop', '%s', 'push', now() - interval '10 minutes', 30, c, k, true, NULL
                  FROM (VALUES (20, 3), (15, 2), (5, 0)) AS v(c, k)
                UNION ALL
                SELECT 'bob-phone', 'bob', 'pull', now() - interval '3 days', 8, 2, 0, true, NULL
                  FROM generate_series(1, 10)
                UNION ALL
                SELECT 'bob-phone', 'bob', 'pull', now() - interval '20 days', 8, 100, 0, true, NULL
                  FROM generate_series(1, 5);
                INSERT INTO mooring.conflicts (table_name, record_id, audience, server_version, client_version,
                                               client_node, client_hlc, client_seq, rule, result, status, created_at)
                VALUES ('notes', '%s', '%s', '{"id": "%s", "user_id": "%s", "title": "the server''s title"}',
                        jsonb_build_object('title', '%s'::text), 'zeb-laptop', '1-0-zeb-laptop', 7, 'manual',
                        'pending', 'pending', now() - interval '5 minutes'),
                       ('notes', '00000000-0000-0000-0000-000000000001', 'alice', '{"title": "a"}', '{"title": "b"}',
                        'alice-phone', '1-0-alice-phone', 3, 'lww-column', 'server', 'resolved',
                        now() - interval '2 hours');
                """.formatted(ERROR, TOP_USER, WAITING_ROW, TOP_USER, WAITING_ROW, TOP_USER, HOSTILE));
    }
}
