package dev.mooring.backup.internal.postgres;

import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restores a script written in the exact style of {@code pg_dump -Fp} 17/18 output: {@code \restrict} fences, the
 * session {@code SET} preamble, an empty search path, identity columns, a {@code BEGIN ATOMIC} function, COPY
 * blocks, constraints after data, and the completion comment. (The machine's pg_dump is 15 and refuses to dump the
 * test server's newer version, so the sample is written by hand.)
 */
class PsqlScriptPgDumpTest {
    private static final String SAMPLE = "pg_dump_18_plain.sql";

    @RegisterExtension
    static PostgresDatabaseExtension db = PostgresDatabaseExtension.perMethod();

    private final ScriptDatabase target = new ScriptDatabase(db);

    private ScriptResult restoreSample() throws Exception {
        try (InputStream script = getClass().getResourceAsStream(SAMPLE)) {
            assertThat(script).as(SAMPLE).isNotNull();
            return target.restore(script, false, ScriptProgress.NONE);
        }
    }

    @Test
    void pgDumpPlainScriptRestoresCompletely() throws Exception {
        ScriptResult result = restoreSample();

        assertThat(result.statements()).isEqualTo(35);
        assertThat(result.rowsByTable()).containsExactly(Map.entry("shop.customers", 3L), Map.entry("shop.orders", 2L));
        assertThat(result.complete()).isTrue();
        assertThat(target.rows("SELECT id, name, \"e-mail\" FROM shop.customers ORDER BY id")).containsExactly(
                "1|Ada Lovelace|ada@example.org", "2|Zoë Ünal|null", "3|O'Brien; Tab\there|ob@example.org");
        assertThat(target.rows("SELECT id, note FROM shop.big_orders JOIN shop.orders USING (id, customer_id)"))
                .containsExactly("10|first\\nline");
        assertThat(target.value("SELECT obj_description('shop.customers'::regclass)")).isEqualTo("People who buy; the 'best' kind");
        assertThat(target.value("SELECT shop.add(2, 3)")).isEqualTo("5");
    }

    @Test
    void restoredObjectsWorkAfterwards() throws Exception {
        restoreSample();

        target.execute("INSERT INTO shop.customers (name) VALUES ('New')");
        target.execute("UPDATE shop.customers SET name = 'Ada' WHERE id = 1");

        assertThat(target.value("SELECT max(id) FROM shop.customers")).isEqualTo("4");
        assertThat(target.value("SELECT updated_at > '2025-01-01' FROM shop.customers WHERE id = 1")).isEqualTo("t");
        assertThatThrownBy(() -> target.execute("INSERT INTO shop.orders (id, customer_id) VALUES (12, 99)"))
                .hasMessageContaining("orders_customer_id_fkey");
    }

    @Test
    void restoringTwiceNamesTheFirstObjectAndSuggestsAnEmptyTarget() throws Exception {
        restoreSample();

        assertThatThrownBy(this::restoreSample)
                .hasMessage("line 26: CREATE SCHEMA shop: ERROR: schema \"shop\" already exists — the target database is not"
                        + " empty: restore into an empty database, or use --clean to drop the script's objects first");
    }
}
