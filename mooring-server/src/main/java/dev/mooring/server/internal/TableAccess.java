package dev.mooring.server.internal;

import dev.mooring.server.Sharing;
import dev.mooring.sync.ConflictRules;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A synced table's sharing rules checked against the real schema and turned into SQL: which rows a user sees
 * ({@link #visible}), may update or delete, and, for the capture triggers, the users who see a written row
 * ({@link #readers}) and the users and rows a write to a table a rule passes through opens or closes
 * ({@link #moves}). Every name in the SQL was checked against PostgreSQL's catalog and is quoted; every value is a
 * bind parameter or a literal the rule parser re-quoted. Immutable and thread-safe.
 */
public final class TableAccess {
    /** A hop of a rule with its table's SQL name and whether it has a tombstone column (rows with one set count not). */
    record Hop(AccessRule.Hop rule, String sqlName, boolean tombstones, Map<String, String> columns) {
        String live(String alias) {
            return tombstones ? " AND " + alias + ".deleted_at IS NULL" : "";
        }

        String filters(String alias) {
            return rule.filters().stream().map(f -> " AND " + f.sql(alias)).collect(Collectors.joining());
        }
    }

    /** A path of a rule: the row's column, then the hops; the type of the column compared with the user. */
    record Path(String column, List<Hop> hops, String userType) {
    }

    private final TableCatalog.Table table;
    private final int order;
    private final List<Path> read;
    private final List<Path> update;
    private final List<Path> delete;
    private final Set<String> readColumns;
    private final Set<String> updateColumns;
    private final Map<String, String> references;
    private final Set<String> owned;

    TableAccess(TableCatalog.Table table, int order, List<Path> read, List<Path> update, List<Path> delete,
                Set<String> readColumns, Set<String> updateColumns, Map<String, String> references, Set<String> owned) {
        this.table = table;
        this.order = order;
        this.read = read;
        this.update = update;
        this.delete = delete;
        this.readColumns = readColumns;
        this.updateColumns = updateColumns;
        this.references = references;
        this.owned = owned;
    }

    /** The reference columns whose row the writer must own (a subset of {@link #references}' keys). */
    public Set<String> ownedReferences() {
        return owned;
    }

    public TableCatalog.Table table() {
        return table;
    }

    /** Whether other users than the owner may see rows. */
    public boolean shared() {
        return !read.isEmpty();
    }

    /** The columns a user who is not the row's owner receives; empty: all. */
    public Set<String> readColumns() {
        return readColumns;
    }

    /** The columns a user who is not the owner may update (never the owner column nor id). */
    public Set<String> updateColumns() {
        return updateColumns;
    }

    /** Foreign-key column → the synced table it references, for columns whose rows the writer must see. */
    public Map<String, String> references() {
        return references;
    }

    /** Which rule a check is about. */
    public enum Kind { READ, UPDATE, DELETE }

    /** SQL values bound in order: the user ids the rules compare with, each typed as its column. */
    public static final class Binds {
        private final List<String> values = new ArrayList<>();

        String user(String type, String userId) {
            values.add(castable(type, userId) ? userId : null);
            return "CAST(? AS " + type + ")";
        }

        /** A value of the query besides a user id, as text cast to {@code type}. */
        String value(String type, String value) {
            values.add(value);
            return "CAST(? AS " + type + ")";
        }

        public int bind(PreparedStatement ps, int from) throws SQLException {
            int i = from;
            for (String value : values) {
                ps.setString(i++, value);
            }
            return i;
        }

        private static boolean castable(String type, String value) {
            if (type.equals("uuid")) {
                try {
                    UUID.fromString(value);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            if (type.equals("bigint") || type.equals("integer") || type.equals("smallint")) {
                return value.matches("-?[0-9]{1,18}");
            }
            return true;
        }
    }

    /**
     * The condition "{@code userId} may see (or update, or delete) row {@code alias}": the owner always, others by the
     * rule's paths. {@code lock}: lock the rows the paths pass through ({@code FOR SHARE}), so a concurrent unshare
     * waits for the write this check allows, or the check waits for it and sees it.
     */
    public String visible(String alias, Kind kind, String userId, Binds binds, boolean lock) {
        StringBuilder sql = new StringBuilder("(");
        String owner = table.sync().ownerColumn();
        sql.append(alias).append('.').append(TableCatalog.quote(owner)).append(" = ")
                .append(binds.user(table.columns().get(owner), userId));
        for (Path path : kind == Kind.READ ? read : kind == Kind.UPDATE ? update : delete) {
            sql.append(" OR ").append(path(path, alias + "." + TableCatalog.quote(path.column()), 0, userId, binds,
                    lock));
        }
        return sql.append(')').toString();
    }

    /** The read paths, in rule order: how users other than the owner see rows. */
    List<Path> readPaths() {
        return read;
    }

    /**
     * The same condition as {@link #visible} for reading, written for a few rows picked by id: each path a correlated
     * {@code EXISTS} that follows the path from the row through its indexes, so the cost follows the rows checked,
     * where {@code IN (SELECT …)} may collect every row the user sees through a path first (all events of a shared
     * group of ten thousand, for a page of a hundred). The planner still chooses between the two per row count.
     */
    public String visibleRows(String alias, String userId, Binds binds) {
        StringBuilder sql = new StringBuilder("(");
        String owner = table.sync().ownerColumn();
        sql.append(alias).append('.').append(TableCatalog.quote(owner)).append(" = ")
                .append(binds.user(table.columns().get(owner), userId));
        for (Path path : read) {
            sql.append(" OR ");
            String outer = alias + "." + TableCatalog.quote(path.column());
            if (path.hops().isEmpty()) {
                sql.append(outer).append(" = ").append(binds.user(path.userType(), userId));
                continue;
            }
            StringBuilder joins = new StringBuilder();
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < path.hops().size(); i++) {
                Hop hop = path.hops().get(i);
                String h = "h" + (i + 1);
                String on = h + "." + TableCatalog.quote(hop.rule().select()) + " = " + outer + hop.live(h)
                        + hop.filters(h);
                if (i == 0) {
                    joins.append(hop.sqlName()).append(' ').append(h);
                    where.append(on);
                } else {
                    joins.append(" JOIN ").append(hop.sqlName()).append(' ').append(h).append(" ON ").append(on);
                }
                outer = h + "." + TableCatalog.quote(hop.rule().link());
            }
            sql.append("EXISTS (SELECT 1 FROM ").append(joins).append(" WHERE ").append(where).append(" AND ")
                    .append(outer).append(" = ").append(binds.user(path.userType(), userId)).append(')');
        }
        return sql.append(')').toString();
    }

    private static String path(Path path, String outer, int from, String userId, Binds binds, boolean lock) {
        if (from == path.hops().size()) {
            return outer + " = " + binds.user(path.userType(), userId);
        }
        Hop hop = path.hops().get(from);
        String h = "h" + (from + 1);
        return outer + " IN (SELECT " + h + "." + TableCatalog.quote(hop.rule().select()) + " FROM " + hop.sqlName()
                + " " + h + " WHERE true" + hop.live(h) + hop.filters(h) + " AND "
                + path(path, h + "." + TableCatalog.quote(hop.rule().link()), from + 1, userId, binds, lock)
                + (lock ? " FOR SHARE" : "") + ")";
    }

    /**
     * For the capture triggers: {@code (ord, table, record id, reader)} for every user besides the owner who sees a
     * row of {@code relation} (a transition table of this table), one SELECT per read path joined by UNION.
     * {@code live}: with a fifth column, {@code live}, whether the row of {@code relation} is not a tombstone.
     */
    String readers(String relation, boolean live) {
        List<String> selects = new ArrayList<>();
        String owner = "x." + TableCatalog.quote(table.sync().ownerColumn()) + "::text";
        for (Path path : read) {
            StringBuilder sql = new StringBuilder("SELECT " + order + " AS ord, " + literal(table.sync().name())
                    + " AS tbl, x.id::text AS rid, ");
            String outer = "x." + TableCatalog.quote(path.column());
            StringBuilder joins = new StringBuilder();
            for (int i = 0; i < path.hops().size(); i++) {
                Hop hop = path.hops().get(i);
                String h = "h" + (i + 1);
                joins.append(" JOIN ").append(hop.sqlName()).append(' ').append(h).append(" ON ").append(h).append('.')
                        .append(TableCatalog.quote(hop.rule().select())).append(" = ").append(outer)
                        .append(hop.live(h)).append(hop.filters(h));
                outer = h + "." + TableCatalog.quote(hop.rule().link());
            }
            sql.append(outer).append("::text AS reader").append(live ? ", x.deleted_at IS NULL AS live" : "")
                    .append(" FROM ").append(relation).append(" x").append(joins)
                    .append(" WHERE ").append(outer).append("::text IS DISTINCT FROM ").append(owner);
            selects.add(sql.toString());
        }
        return String.join(" UNION ", selects);
    }

    /** The values a write to this table's rows joins on, which the triggers lock so moves and fan-out serialize. */
    List<String> readerKeys() {
        return read.stream().filter(p -> !p.hops().isEmpty()).map(p -> "x." + TableCatalog.quote(p.column()))
                .distinct().toList();
    }

    /**
     * For the triggers of a table a read path passes through: {@code (ord, table, record id, reader)} for every pair
     * of user and row of this table that a row of {@code relation} (a transition table of {@code sqlName}) opens.
     * One SELECT per hop through that table; an empty list when no path passes through it.
     */
    List<String> moves(String sqlName, String relation) {
        List<String> selects = new ArrayList<>();
        for (Path path : read) {
            List<Hop> hops = path.hops();
            for (int k = 0; k < hops.size(); k++) {
                if (!hops.get(k).sqlName().equals(sqlName)) {
                    continue;
                }
                Hop at = hops.get(k);
                StringBuilder joins = new StringBuilder();
                // down from the written row to the rows of this table it leads to
                String inner = "y." + TableCatalog.quote(at.rule().select());
                for (int i = k - 1; i >= 0; i--) {
                    Hop hop = hops.get(i);
                    String h = "h" + (i + 1);
                    joins.append(" JOIN ").append(hop.sqlName()).append(' ').append(h).append(" ON ").append(h)
                            .append('.').append(TableCatalog.quote(hop.rule().link())).append(" = ").append(inner)
                            .append(hop.live(h)).append(hop.filters(h));
                    inner = h + "." + TableCatalog.quote(hop.rule().select());
                }
                joins.append(" JOIN ").append(table.sqlName()).append(" t ON t.").append(TableCatalog.quote(path.column()))
                        .append(" = ").append(inner);
                // up from the written row to the users it leads to
                String outer = "y." + TableCatalog.quote(at.rule().link());
                for (int i = k + 1; i < hops.size(); i++) {
                    Hop hop = hops.get(i);
                    String h = "h" + (i + 1);
                    joins.append(" JOIN ").append(hop.sqlName()).append(' ').append(h).append(" ON ").append(h)
                            .append('.').append(TableCatalog.quote(hop.rule().select())).append(" = ").append(outer)
                            .append(hop.live(h)).append(hop.filters(h));
                    outer = h + "." + TableCatalog.quote(hop.rule().link());
                }
                selects.add("SELECT " + order + " AS ord, " + literal(table.sync().name()) + " AS tbl, t.id::text AS rid, "
                        + outer + "::text AS reader FROM " + relation + " y" + joins + " WHERE true"
                        + at.live("y") + at.filters("y") + " AND " + outer + "::text IS DISTINCT FROM t."
                        + TableCatalog.quote(table.sync().ownerColumn()) + "::text");
            }
        }
        return selects;
    }

    /** The columns of rows of {@code sqlName} that moves through it join on: what its triggers lock. */
    List<String> moveKeys(String sqlName) {
        Set<String> keys = new LinkedHashSet<>();
        for (Path path : read) {
            for (int k = 0; k < path.hops().size(); k++) {
                Hop hop = path.hops().get(k);
                if (hop.sqlName().equals(sqlName)) {
                    keys.add("y." + TableCatalog.quote(hop.rule().select()));
                    if (k + 1 < path.hops().size()) {
                        keys.add("y." + TableCatalog.quote(hop.rule().link()));
                    }
                }
            }
        }
        return List.copyOf(keys);
    }

    /** The tables the read paths pass through, by SQL name. */
    Set<String> pathTables() {
        Set<String> names = new LinkedHashSet<>();
        read.forEach(p -> p.hops().forEach(h -> names.add(h.sqlName())));
        return names;
    }

    /**
     * The SQL expression of a row of alias {@code r} as the JSON a user receives: every column for its owner, the
     * declared read columns for others.
     */
    public String rowJson(String alias, String userId, Binds binds) {
        if (readColumns.isEmpty()) {
            return "row_to_json(" + alias + ")::text";
        }
        String owner = table.sync().ownerColumn();
        return "CASE WHEN " + alias + "." + TableCatalog.quote(owner) + " = " + binds.user(table.columns().get(owner), userId)
                + " THEN row_to_json(" + alias + ")::text ELSE (SELECT row_to_json(p)::text FROM (SELECT "
                + readColumns.stream().map(col -> alias + "." + TableCatalog.quote(col)).collect(Collectors.joining(", "))
                + ") p) END";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Checks a generated condition compiles against the schema (types compare, names resolve). */
    static String explain(Connection c, TableAccess access) {
        for (Kind kind : Kind.values()) {
            Binds binds = new Binds();
            String sql = "SELECT 1 FROM " + access.table.sqlName() + " r WHERE " + access.visible("r", kind,
                    "00000000-0000-0000-0000-000000000000", binds, false);
            java.sql.Savepoint savepoint = null;
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                savepoint = c.getAutoCommit() ? null : c.setSavepoint();
                binds.bind(ps, 1);
                ps.execute();
            } catch (SQLException e) {
                try {
                    if (savepoint != null) {
                        c.rollback(savepoint);
                    }
                } catch (SQLException ignored) {
                    // the original problem is the one to report
                }
                return "the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " rule does not fit the schema: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return null;
    }

    /** Reads columns of a table by its possibly schema-qualified name; empty when it does not exist. */
    interface Columns {
        Map<String, String> of(String name) throws SQLException;
    }

    /**
     * Checks {@code table}'s rules against the schema and compiles them; adds every problem found to
     * {@code problems} and returns {@code null} when there was one.
     */
    static TableAccess compile(Connection c, TableCatalog.Table table, int order, Columns columns,
                               Map<String, TableCatalog.Table> synced, List<String> problems) throws SQLException {
        Sharing sharing = table.sync().sharing();
        String where = "table " + table.sync().name();
        int before = problems.size();
        List<Path> read = paths(sharing.read(), "read", where, table, columns, problems);
        List<Path> update = paths(sharing.update(), "update", where, table, columns, problems);
        List<Path> delete = paths(sharing.delete(), "delete-rule", where, table, columns, problems);
        Set<String> readColumns = new LinkedHashSet<>();
        for (String col : sharing.readColumns()) {
            if (!table.hasColumn(col)) {
                problems.add(where + ": read column " + col + " does not exist");
            }
            readColumns.add(col);
        }
        if (!readColumns.isEmpty()) {
            readColumns.add("id"); // a row without its id cannot be stored
        }
        String owner = table.sync().ownerColumn();
        Set<String> updateColumns = new LinkedHashSet<>();
        for (String col : sharing.updateColumns()) {
            if (!table.hasColumn(col)) {
                problems.add(where + ": update column " + col + " does not exist");
            } else if (col.equals(owner) || col.equals("id")) {
                problems.add(where + ": update column " + col + " cannot be given to others: only the owner may"
                        + " change " + (col.equals("id") ? "a row's id (never)" : "who owns a row"));
            }
            updateColumns.add(col);
        }
        if (updateColumns.isEmpty() && !update.isEmpty()) {
            // every column but the owner, the id and the tombstone: an edit by another user never brings back a row
            // its owner deleted (the owner's devices settle an edit against a delete by the table's delete policy);
            // a rule that wants that names deleted_at in its columns
            table.columns().keySet().stream().filter(col -> !col.equals(owner) && !col.equals("id")
                    && !col.equals(ConflictRules.TOMBSTONE_COLUMN)).forEach(updateColumns::add);
        }
        Map<String, String> references = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, (SELECT format('%I.%I', n.nspname, t.relname) FROM pg_class t
                                     JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = k.confrelid),
                       (SELECT t.relname FROM pg_class t WHERE t.oid = k.confrelid)
                  FROM pg_constraint k
                  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                 WHERE k.contype = 'f' AND k.conrelid = to_regclass(?) AND cardinality(k.conkey) = 1
                """)) {
            ps.setString(1, table.sqlName());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    for (TableCatalog.Table target : synced.values()) {
                        String name = target.sync().name();
                        if ((name.equals(rs.getString(3)) || name.equals(rs.getString(2)))
                                && !column.equals(owner) && !sharing.openReferences().contains(column)) {
                            references.put(column, name);
                        }
                    }
                }
            }
        }
        for (String col : sharing.openReferences()) {
            if (!table.hasColumn(col)) {
                problems.add(where + ": open reference " + col + " does not exist");
            }
        }
        for (String col : sharing.ownedReferences()) {
            if (!references.containsKey(col)) {
                problems.add(where + ": owned reference " + col + " is not a foreign key to a synced table"
                        + (sharing.openReferences().contains(col) ? " (it is also an open reference)" : ""));
            }
        }
        if (problems.size() > before) {
            return null;
        }
        TableAccess access = new TableAccess(table, order, read, update, delete, Set.copyOf(readColumns),
                Set.copyOf(updateColumns), Map.copyOf(references), Set.copyOf(sharing.ownedReferences()));
        String problem = explain(c, access);
        if (problem != null) {
            problems.add(where + ": " + problem);
            return null;
        }
        return access;
    }

    private static List<Path> paths(String text, String key, String where, TableCatalog.Table table, Columns columns,
                                    List<String> problems) throws SQLException {
        if (text == null) {
            return List.of();
        }
        AccessRule rule;
        try {
            rule = AccessRule.parse(text, where + ", " + key);
        } catch (dev.mooring.core.MooringException e) {
            problems.add(e.getMessage());
            return List.of();
        }
        List<Path> paths = new ArrayList<>();
        for (AccessRule.Path path : rule.paths()) {
            String inRule = where + ", " + key + " rule";
            if (!table.hasColumn(path.column())) {
                problems.add(inRule + ": table " + table.sync().name() + " has no column " + path.column());
                continue;
            }
            List<Hop> hops = new ArrayList<>();
            String userType = table.columns().get(path.column());
            boolean ok = true;
            for (AccessRule.Hop hop : path.hops()) {
                Map<String, String> cols = columns.of(hop.table());
                if (cols.isEmpty()) {
                    problems.add(inRule + ": table " + hop.table() + " does not exist");
                    ok = false;
                    break;
                }
                List<String> named = new ArrayList<>(List.of(hop.select(), hop.link()));
                hop.filters().forEach(f -> named.add(f.column()));
                for (String col : named) {
                    if (!cols.containsKey(col)) {
                        problems.add(inRule + ": table " + hop.table() + " has no column " + col);
                        ok = false;
                    }
                }
                String schema = hop.table().contains(".") ? hop.table().substring(0, hop.table().indexOf('.')) : null;
                String name = hop.table().substring(hop.table().indexOf('.') + 1);
                hops.add(new Hop(hop, (schema == null ? "" : TableCatalog.quote(schema) + ".") + TableCatalog.quote(name),
                        "timestamp with time zone".equals(cols.get("deleted_at")), cols));
                userType = cols.get(hop.link());
            }
            if (ok) {
                paths.add(new Path(path.column(), List.copyOf(hops), userType));
            }
        }
        return List.copyOf(paths);
    }
}
