package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.DriftReport;
import dev.mooring.migrate.SchemaDifference;
import dev.mooring.migrate.SchemaDifference.Kind;
import dev.mooring.migrate.SchemaDifference.ObjectType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaDifferenceTest {

    @Test
    void describesEachKindOnOneLine() {
        assertThat(new SchemaDifference(ObjectType.COLUMN, "events.note", Kind.UNEXPECTED, null, "text, nullable")
                .describe()).isEqualTo("column events.note: unexpected (text, nullable)");
        assertThat(new SchemaDifference(ObjectType.TABLE, "events", Kind.MISSING, "table", null)
                .describe()).isEqualTo("table events: missing");
        assertThat(new SchemaDifference(ObjectType.TABLE, "events", Kind.MISSING, "unlogged table", null)
                .describe()).isEqualTo("table events: missing (unlogged table)");
        assertThat(new SchemaDifference(ObjectType.INDEX, "events_title_idx", Kind.CHANGED, "CREATE INDEX a", "CREATE INDEX b")
                .describe()).isEqualTo("index events_title_idx: changed — expected CREATE INDEX a, live CREATE INDEX b");
    }

    @Test
    void descriptionsMustMatchTheKind() {
        assertThatThrownBy(() -> new SchemaDifference(ObjectType.VIEW, "v", Kind.MISSING, null, "select 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MISSING");
        assertThatThrownBy(() -> new SchemaDifference(ObjectType.VIEW, "v", Kind.CHANGED, "select 1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHANGED");
    }

    @Test
    void aReportCountsAndSummarizes() {
        DriftReport none = new DriftReport(List.of());
        DriftReport some = new DriftReport(List.of(
                new SchemaDifference(ObjectType.TABLE, "a", Kind.MISSING, "table", null),
                new SchemaDifference(ObjectType.TABLE, "b", Kind.MISSING, "table", null),
                new SchemaDifference(ObjectType.VIEW, "c", Kind.CHANGED, "x", "y")));

        assertThat(none.hasDrift()).isFalse();
        assertThat(none.summary()).isEqualTo("no drift");
        assertThat(some.hasDrift()).isTrue();
        assertThat(some.count(Kind.MISSING)).isEqualTo(2);
        assertThat(some.count(Kind.UNEXPECTED)).isZero();
        assertThat(some.summary()).isEqualTo("3 differences: 2 missing, 0 unexpected, 1 changed");
    }
}
