package dev.mooring.sync.client.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A synced table as the client database has it.
 *
 * @param name       the table
 * @param columns    the application's columns in table order ({@code id} and {@code deleted_at} included), the ones
 *                   captured and synced; the sync bookkeeping columns are not among them
 * @param allColumns every column, bookkeeping included
 * @param hasTextId  whether {@code id} is the table's only primary key column and is not an INTEGER rowid alias
 * @param required   columns that are NOT NULL without a default: a pulled change lacking one cannot create the row
 */
public record LocalTable(String name, List<String> columns, Set<String> allColumns, boolean hasTextId,
                         Set<String> required) {
    /** The table as it is now; {@code null} when it does not exist. */
    static LocalTable describe(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        Set<String> all = new HashSet<>();
        Set<String> required = new HashSet<>();
        int keys = 0;
        boolean idKey = false;
        boolean idInteger = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, type, \"notnull\", dflt_value, pk"
                + " FROM pragma_table_info(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    all.add(column);
                    if (!column.equals(LocalSchema.STATUS) && !column.equals(LocalSchema.LAST_MODIFIED)) {
                        columns.add(column);
                    }
                    if (rs.getInt(3) == 1 && rs.getString(4) == null) {
                        required.add(column);
                    }
                    if (rs.getInt(5) > 0) {
                        keys++;
                        if (column.equals("id")) {
                            idKey = true;
                            idInteger = rs.getString(2).equalsIgnoreCase("INTEGER");
                        }
                    }
                }
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        return new LocalTable(table, List.copyOf(columns), Set.copyOf(all), keys == 1 && idKey && !idInteger,
                Set.copyOf(required));
    }
}
