package dev.mooring.backup.internal.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Decides which rows of which tables belong to one user, as one {@code SELECT} per table.
 * <ul>
 * <li>A table with the owner column is <em>owned</em>: its rows are those whose owner column, compared as text,
 *     equals the user id. Nothing else selects its rows, so another user's row never comes along because it
 *     references this user's data.</li>
 * <li>A table without it that owner columns reference by foreign key ({@code notes.user_id REFERENCES users (id)})
 *     is owned through that key: its row whose key, compared as text, is the user id is the user's own row, and
 *     again nothing else selects its rows.</li>
 * <li>A table without it is <em>reachable</em> when a chain of foreign keys leads from it to an owned table:
 *     its rows are those whose key is {@code IN} the selected rows of the referenced table, nested as deep as
 *     the chain goes. A table reachable by several keys or chains gets the union (the {@code OR}) of them.</li>
 * <li>A chain never visits a table twice, so foreign-key cycles end. A self reference on a reachable table is
 *     followed with a recursive query, so a row whose only link to the user is its parent row (a reply to a
 *     reply…) is selected at any depth; each self reference is followed on its own.</li>
 * <li>Other tables are not exported.</li>
 * </ul>
 * Every identifier comes from the {@link SchemaModel} and is quoted by the dialect; the user id is only ever a
 * bind parameter. Not thread-safe: it numbers aliases as it builds; use one per export.
 */
final class SelectionPlan {
    private final SchemaModel model;
    private final String ownerColumn;
    private final boolean postgres;
    private final UnaryOperator<String> quote;
    private int aliases;

    SelectionPlan(SchemaModel model, String ownerColumn, boolean postgres, UnaryOperator<String> quote) {
        this.model = model;
        this.ownerColumn = ownerColumn;
        this.postgres = postgres;
        this.quote = quote;
    }

    /** The query of every exported table, in table order. */
    Map<Table, Predicate> queries() {
        Map<Table, Predicate> out = new LinkedHashMap<>();
        for (Table table : model.tables()) {
            aliases = 0;
            String alias = nextAlias();
            Predicate where = select(table, Set.of(), alias);
            if (where != null) {
                out.put(table, new Predicate(selectSql(table, alias, where.sql()), where.params()));
            }
        }
        return out;
    }

    private String selectSql(Table table, String alias, String where) {
        String columns = table.columns().stream().map(c -> alias + "." + quote.apply(c.name()))
                .collect(Collectors.joining(", "));
        String orderBy = table.primaryKey().isEmpty() ? ""
                : " ORDER BY " + table.primaryKey().stream().map(c -> alias + "." + quote.apply(c)).collect(Collectors.joining(", "));
        return "SELECT " + columns + " FROM " + table.ref().sql(quote) + " " + alias + " WHERE " + where + orderBy;
    }

    /** The rows of {@code table} (aliased {@code alias}) that belong to the user, or {@code null} if none can. */
    private Predicate select(Table table, Set<TableRef> path, String alias) {
        Column owner = model.column(table, ownerColumn);
        if (owner != null) {
            return isUser(alias, owner.name());
        }
        List<String> ownerKeys = model.ownerKeys(table, ownerColumn);
        if (!ownerKeys.isEmpty()) {
            return Predicate.or(ownerKeys.stream().map(key -> isUser(alias, key)).toList());
        }
        Set<TableRef> inner = new HashSet<>(path);
        inner.add(table.ref());
        List<Predicate> paths = parentPaths(table, inner, alias);
        if (paths.isEmpty()) {
            return null;
        }
        for (ForeignKey self : model.foreignKeysFrom(table.ref())) {
            if (self.isSelfReference()) {
                paths.add(descendants(table, self, inner, alias));
            }
        }
        return Predicate.or(paths);
    }

    /** Whether {@code column} of the row aliased {@code alias}, compared as text, is the user id. */
    private Predicate isUser(String alias, String column) {
        String value = alias + "." + quote.apply(column);
        return new Predicate(postgres ? value + "::text = ?" : "CAST(" + value + " AS TEXT) = ?", 1);
    }

    /** One predicate per foreign key to another table that leads to the user, skipping tables on the path. */
    private List<Predicate> parentPaths(Table table, Set<TableRef> path, String alias) {
        List<Predicate> paths = new ArrayList<>();
        for (ForeignKey fk : model.foreignKeysFrom(table.ref())) {
            if (fk.isSelfReference() || path.contains(fk.parent())) {
                continue;
            }
            Table parent = model.table(fk.parent());
            String parentAlias = nextAlias();
            Predicate parentRows = select(parent, path, parentAlias);
            if (parentRows != null) {
                paths.add(new Predicate(tuple(alias, fk.childColumns()) + " IN (SELECT "
                        + list(parentAlias, fk.parentColumns()) + " FROM " + parent.ref().sql(quote) + " " + parentAlias
                        + " WHERE " + parentRows.sql() + ")", parentRows.params()));
            }
        }
        return paths;
    }

    /**
     * Rows whose self reference points at a selected row, transitively: a recursive query gathers the referenced
     * key of every row reached by the other paths and of every row hanging below them.
     */
    private Predicate descendants(Table table, ForeignKey self, Set<TableRef> path, String alias) {
        String cte = "mooring_reach_" + nextAlias();
        String base = nextAlias();
        String step = nextAlias();
        Predicate roots = Predicate.or(parentPaths(table, path, base));
        List<String> names = new ArrayList<>();
        List<String> joins = new ArrayList<>();
        for (int i = 0; i < self.parentColumns().size(); i++) {
            names.add("c" + i);
            joins.add(step + "." + quote.apply(self.childColumns().get(i)) + " = " + cte + ".c" + i);
        }
        String with = "WITH RECURSIVE " + cte + "(" + String.join(", ", names) + ") AS ("
                + "SELECT " + list(base, self.parentColumns()) + " FROM " + table.ref().sql(quote) + " " + base
                + " WHERE " + roots.sql()
                + " UNION SELECT " + list(step, self.parentColumns()) + " FROM " + table.ref().sql(quote) + " " + step
                + " JOIN " + cte + " ON " + String.join(" AND ", joins) + ")";
        return new Predicate(tuple(alias, self.childColumns()) + " IN (" + with + " SELECT "
                + String.join(", ", names) + " FROM " + cte + ")", roots.params());
    }

    private String nextAlias() {
        return "t" + aliases++;
    }

    private String tuple(String alias, List<String> columns) {
        String cols = list(alias, columns);
        return columns.size() == 1 ? cols : "(" + cols + ")";
    }

    private String list(String alias, List<String> columns) {
        return columns.stream().map(c -> alias + "." + quote.apply(c)).collect(Collectors.joining(", "));
    }
}
