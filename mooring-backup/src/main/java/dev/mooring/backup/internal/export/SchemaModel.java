package dev.mooring.backup.internal.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user tables of a database and the foreign keys between them, read from the catalogs inside the export's
 * snapshot. Tables are kept in name order so the export document is stable. Immutable.
 */
final class SchemaModel {
    private final Map<TableRef, Table> tables = new LinkedHashMap<>();
    private final List<ForeignKey> foreignKeys;
    private final boolean caseInsensitive;

    /**
     * @param caseInsensitive whether column names match ignoring case (SQLite's rule)
     */
    SchemaModel(List<Table> tables, List<ForeignKey> foreignKeys, boolean caseInsensitive) {
        tables.stream().sorted((a, b) -> a.ref().compareTo(b.ref())).forEach(t -> this.tables.put(t.ref(), t));
        // Keys to tables that are not exported (system schemas, the history table) lead nowhere.
        this.foreignKeys = foreignKeys.stream()
                .filter(fk -> this.tables.containsKey(fk.child()) && this.tables.containsKey(fk.parent())).toList();
        this.caseInsensitive = caseInsensitive;
    }

    List<Table> tables() {
        return List.copyOf(tables.values());
    }

    Table table(TableRef ref) {
        return tables.get(ref);
    }

    /** The foreign keys declared on {@code child}, in catalog order. */
    List<ForeignKey> foreignKeysFrom(TableRef child) {
        List<ForeignKey> out = new ArrayList<>();
        for (ForeignKey fk : foreignKeys) {
            if (fk.child().equals(child)) {
                out.add(fk);
            }
        }
        return out;
    }

    /**
     * The columns of {@code table} that another table's {@code ownerColumn} references by a foreign key of its own:
     * {@code notes.user_id REFERENCES users (id)} makes {@code users.id} such a column, and the row whose {@code id} is
     * the user id the user's own row. Empty for most tables.
     */
    List<String> ownerKeys(Table table, String ownerColumn) {
        Set<String> keys = new LinkedHashSet<>();
        for (ForeignKey fk : foreignKeys) {
            if (fk.parent().equals(table.ref()) && !fk.isSelfReference() && fk.childColumns().size() == 1
                    && sameName(fk.childColumns().get(0), ownerColumn)) {
                keys.add(fk.parentColumns().get(0));
            }
        }
        return List.copyOf(keys);
    }

    private boolean sameName(String a, String b) {
        return caseInsensitive ? a.equalsIgnoreCase(b) : a.equals(b);
    }

    /** The column of {@code table} named {@code name} under the database's case rule, or {@code null}. */
    Column column(Table table, String name) {
        return table.column(name, caseInsensitive);
    }
}
