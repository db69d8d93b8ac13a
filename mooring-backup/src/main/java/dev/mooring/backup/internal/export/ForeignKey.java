package dev.mooring.backup.internal.export;

import java.util.List;
import java.util.Objects;

/**
 * A foreign key: {@code child(childColumns)} references {@code parent(parentColumns)}, column by column in order.
 * Composite keys have several columns; a self reference has {@code child.equals(parent)}.
 */
record ForeignKey(TableRef child, List<String> childColumns, TableRef parent, List<String> parentColumns) {
    ForeignKey {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        childColumns = List.copyOf(childColumns);
        parentColumns = List.copyOf(parentColumns);
        if (childColumns.isEmpty() || childColumns.size() != parentColumns.size()) {
            throw new IllegalArgumentException("foreign key " + child.key() + childColumns + " -> " + parent.key()
                    + parentColumns + " must pair its columns one to one");
        }
    }

    boolean isSelfReference() {
        return child.equals(parent);
    }
}
