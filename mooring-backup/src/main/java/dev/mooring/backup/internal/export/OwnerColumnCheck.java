package dev.mooring.backup.internal.export;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks the owner column a caller named against the real schema, and when no table has it, names the columns
 * that look like owner columns so the caller can pick the right one. Stateless.
 */
final class OwnerColumnCheck {
    private static final Pattern LOOKS_LIKE_OWNER =
            Pattern.compile(".*(user|owner|account|member|customer|person|profile|tenant|author).*");

    private OwnerColumnCheck() {
    }

    static void require(SchemaModel model, String ownerColumn) {
        Set<String> candidates = new TreeSet<>();
        for (Table table : model.tables()) {
            if (model.column(table, ownerColumn) != null) {
                return;
            }
            for (Column c : table.columns()) {
                if (LOOKS_LIKE_OWNER.matcher(c.name().toLowerCase(Locale.ROOT)).matches()) {
                    candidates.add(c.name());
                }
            }
        }
        throw new MooringException(ErrorCode.USAGE, "No table has column '" + ownerColumn + "'. "
                + (candidates.isEmpty() ? "No column looks like an owner column."
                : "Columns that look like owner columns: " + String.join(", ", candidates) + "."));
    }
}
