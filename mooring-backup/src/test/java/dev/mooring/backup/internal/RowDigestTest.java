package dev.mooring.backup.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RowDigestTest {
    static String digest(List<byte[]> rows) {
        RowDigest d = new RowDigest();
        rows.forEach(d::add);
        return d.value();
    }

    @Property(tries = 200)
    void rowOrderDoesNotMatter(@ForAll @Size(max = 30) List<@Size(max = 40) byte[]> rows, @ForAll long seed) {
        List<byte[]> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(seed));
        assertThat(digest(shuffled)).isEqualTo(digest(rows));
    }

    @Property(tries = 300)
    void anyChangedByteChangesTheDigest(@ForAll @Size(min = 1, max = 20) List<@Size(min = 1, max = 40) byte[]> rows,
                                        @ForAll int row, @ForAll int position, @ForAll byte delta) {
        if (delta == 0) {
            return;
        }
        List<byte[]> changed = new ArrayList<>();
        rows.forEach(r -> changed.add(r.clone()));
        byte[] target = changed.get(Math.floorMod(row, changed.size()));
        target[Math.floorMod(position, target.length)] += delta;
        assertThat(digest(changed)).isNotEqualTo(digest(rows));
    }

    @Test
    void aDuplicatedOrMissingRowChangesTheDigestAndTheCount() {
        List<byte[]> rows = List.of("a\tb".getBytes(), "c\td".getBytes());
        RowDigest twice = new RowDigest();
        rows.forEach(twice::add);
        twice.add(rows.get(0));
        assertThat(twice.rows()).isEqualTo(3);
        assertThat(twice.value()).isNotEqualTo(digest(rows));
        assertThat(digest(rows.subList(0, 1))).isNotEqualTo(digest(rows));
        // empty rows and a row of zero bytes are different rows
        assertThat(digest(List.of(new byte[0]))).isNotEqualTo(digest(List.of(new byte[1])));
    }

    @Test
    void mergeEqualsAddingEverythingToOne() {
        RowDigest a = new RowDigest();
        RowDigest b = new RowDigest();
        a.add("x".getBytes());
        b.add("yy".getBytes());
        a.merge(b);
        assertThat(a.value()).isEqualTo(digest(List.of("yy".getBytes(), "x".getBytes())));
        assertThat(a.rows()).isEqualTo(2);
    }
}
