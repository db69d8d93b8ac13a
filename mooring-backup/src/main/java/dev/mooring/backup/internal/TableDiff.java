package dev.mooring.backup.internal;

import dev.mooring.backup.TableSummary;
import java.util.ArrayList;
import java.util.List;

/** Compares the tables a manifest lists with the tables a database holds. Stateless. */
public final class TableDiff {
    private TableDiff() {
    }

    /**
     * Differences between what a manifest lists and what a database holds, table by table. A table whose checksum
     * the manifest does not have yet is compared by its row count.
     */
    public static List<String> compare(List<TableSummary> expected, List<TableSummary> actual) {
        List<String> problems = new ArrayList<>();
        for (TableSummary want : expected) {
            TableSummary got = actual.stream().filter(t -> t.table().equals(want.table())).findFirst().orElse(null);
            if (got == null) {
                problems.add("table " + want.table() + " is missing");
            } else if (got.rows() != want.rows()) {
                problems.add("table " + want.table() + " has " + got.rows() + " rows, the manifest says " + want.rows());
            } else if (want.checksum() != null && !want.checksum().equals(got.checksum())) {
                problems.add("table " + want.table() + " has the right row count but different content (checksum "
                        + got.checksum() + ", the manifest says " + want.checksum() + ")");
            }
        }
        for (TableSummary got : actual) {
            if (expected.stream().noneMatch(t -> t.table().equals(got.table()))) {
                problems.add("table " + got.table() + " is not in the manifest");
            }
        }
        return problems;
    }
}
