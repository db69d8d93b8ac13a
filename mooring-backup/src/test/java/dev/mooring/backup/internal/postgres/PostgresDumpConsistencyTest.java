package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresDumpConsistencyTest {
    @RegisterExtension
    static PostgresDatabaseExtension db = PostgresDatabaseExtension.perMethod();

    @Test
    void backupWhileAnotherConnectionWritesIsConsistent() throws Exception {
        DumpRoundTrip.load(db.dataSource(), """
                CREATE TABLE public.left_side (id bigserial PRIMARY KEY, payload text NOT NULL);
                CREATE TABLE public.right_side (id bigserial PRIMARY KEY, payload text NOT NULL);
                CREATE TABLE public.filler (id int PRIMARY KEY, payload text);
                INSERT INTO public.left_side (payload) SELECT repeat('l', 50) FROM generate_series(1, 20000);
                INSERT INTO public.right_side (payload) SELECT repeat('r', 50) FROM generate_series(1, 20000);
                INSERT INTO public.filler SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
                """);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong pairs = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> writePairs(stop, pairs, writerFailure), "pair-writer");
        writer.start();
        DumpRoundTrip.Dumped dump;
        try {
            while (pairs.get() < 20) {
                Thread.onSpinWait();
            }
            long before = pairs.get();
            dump = DumpRoundTrip.dump(db.dataSource(), 2);
            assertThat(pairs.get()).as("pairs written while the dump ran").isGreaterThan(before);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).isNull();

        String target = DumpRoundTrip.newDatabase(db.server());
        try {
            DumpRoundTrip.restore(db.server(), target, dump.script());
            long left = count(target, "public.left_side");
            assertThat(count(target, "public.right_side")).isEqualTo(left);
            assertThat(dump.result().tables()).filteredOn(t -> t.table().endsWith("_side"))
                    .extracting(TableSummary::rows).containsExactly(left, left);
            assertThat(DumpRoundTrip.summaries(db.server().dataSource(target))).isEqualTo(dump.result().tables());
        } finally {
            db.server().dropDatabase(target);
        }
    }

    @Test
    void oneAndTwoJobsRestoreToTheSameCatalogsAndData() throws Exception {
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/rich-schema.sql"));
        DumpRoundTrip.Dumped serial = DumpRoundTrip.dump(db.dataSource(), 1);
        DumpRoundTrip.Dumped parallel = DumpRoundTrip.dump(db.dataSource(), 2);
        assertThat(parallel.result().tables()).isEqualTo(serial.result().tables());
        assertThat(parallel.segments()).isEqualTo(serial.segments()).isEqualTo(serial.result().tables().size() + 2);

        String one = DumpRoundTrip.newDatabase(db.server());
        String two = DumpRoundTrip.newDatabase(db.server());
        try {
            DumpRoundTrip.restore(db.server(), one, serial.script());
            DumpRoundTrip.restore(db.server(), two, parallel.script());
            DumpRoundTrip.assertSameCatalog(DumpRoundTrip.catalog(db.server().dataSource(two)),
                    DumpRoundTrip.catalog(db.server().dataSource(one)));
            assertThat(DumpRoundTrip.summaries(db.server().dataSource(two)))
                    .isEqualTo(DumpRoundTrip.summaries(db.server().dataSource(one)))
                    .isEqualTo(serial.result().tables());
        } finally {
            db.server().dropDatabase(one);
            db.server().dropDatabase(two);
        }
    }

    @Test
    void progressHearsEveryTableAndRow() throws Exception {
        DumpRoundTrip.load(db.dataSource(), DumpRoundTrip.resource("/fixtures/rich-schema.sql"));
        AtomicLong rows = new AtomicLong();
        AtomicLong tables = new AtomicLong();
        AtomicLong planned = new AtomicLong(-1);
        BackupProgress progress = new BackupProgress() {
            @Override
            public void planned(int count, long estimatedRows, long estimatedBytes) {
                planned.set(count);
            }

            @Override
            public void advanced(long r, long bytes) {
                rows.addAndGet(r);
            }

            @Override
            public void tableDone(TableSummary table) {
                tables.incrementAndGet();
            }
        };
        PostgresDumpResult result = PostgresDump.create(db.dataSource(), 2, progress).writeTo(new MemorySegments());
        assertThat(planned.get()).isEqualTo(result.tables().size());
        assertThat(tables.get()).isEqualTo(result.tables().size());
        assertThat(rows.get()).isEqualTo(result.tables().stream().mapToLong(TableSummary::rows).sum());
        assertThat(result.schemas()).containsExactly("Sales Dept", "inventory", "public");
        assertThat(result.serverVersionNum()).isGreaterThanOrEqualTo(180000);
    }

    @Test
    void aDependencyCycleIsAnErrorNamingItsObjects() throws Exception {
        DumpRoundTrip.load(db.dataSource(), """
                CREATE TABLE public.counter (n integer);
                CREATE FUNCTION public.next_n() RETURNS integer LANGUAGE sql
                BEGIN ATOMIC
                    SELECT coalesce(max(n), 0) + 1 FROM public.counter;
                END;
                ALTER TABLE public.counter ALTER COLUMN n SET DEFAULT public.next_n();
                """);
        assertThatThrownBy(() -> DumpRoundTrip.dump(db.dataSource(), 1))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("table public.counter")
                .hasMessageContaining("function public.next_n()")
                .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.DATABASE));
    }

    private static void writePairs(AtomicBoolean stop, AtomicLong pairs, AtomicReference<Throwable> failure) {
        try (Connection conn = db.connect();
             PreparedStatement left = conn.prepareStatement("INSERT INTO public.left_side (payload) VALUES (?)");
             PreparedStatement right = conn.prepareStatement("INSERT INTO public.right_side (payload) VALUES (?)")) {
            conn.setAutoCommit(false);
            while (!stop.get()) {
                String payload = "pair " + pairs.get();
                left.setString(1, payload);
                left.executeUpdate();
                right.setString(1, payload);
                right.executeUpdate();
                conn.commit();
                pairs.incrementAndGet();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private static long count(String database, String table) throws Exception {
        try (Connection conn = db.server().dataSource(database).getConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
