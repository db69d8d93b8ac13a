package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the CREATE TABLE statement of every ordinary and partitioned table: columns with their types,
 * collations, defaults, identity and generation clauses and named NOT NULL constraints, validated CHECK
 * constraints inline, inheritance, partition keys and bounds, storage options. A partition is created as a
 * table of its own with all its columns and constraints, then attached to its parent (as pg_dump does), which
 * keeps the names of its own constraints; attaching makes them inherited again.
 * Stateless; thread-safe.
 */
final class TableDefinitions {
    private static final String TABLES = """
            SELECT c.oid, c.oid::pg_catalog.regclass::text, c.relkind, c.relpersistence, c.relispartition,
              CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
              CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
              (SELECT pg_catalog.string_agg(i.inhparent::pg_catalog.regclass::text, ', ' ORDER BY i.inhseqno)
               FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid),
              pg_catalog.array_to_string(c.reloptions, ', ')
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND $schema AND $notext""";

    // An inheritance child lists only the columns it defines itself; a partition lists all of them, because it is
    // created on its own and then attached, which keeps the names of its own NOT NULL constraints.
    private static final String COLUMNS = """
            SELECT a.attrelid, pg_catalog.format('%I %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)),
              CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END,
              pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,
              (SELECT $seqoptions FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
               WHERE a.attidentity <> '' AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                 AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'),
              (SELECT dep.objid::pg_catalog.regclass::text FROM pg_catalog.pg_depend dep
               WHERE a.attidentity <> '' AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                 AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'),
              a.attnotnull, pg_catalog.quote_ident(nn.conname), nn.oid IS NOT NULL AND NOT nn.conislocal, c.relispartition
            FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_catalog.pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
            WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND (a.attislocal OR c.relispartition) AND $schema
            ORDER BY a.attrelid, a.attnum""";

    // NOT VALID checks are added after the data, which they need not satisfy.
    private static final String CHECKS = """
            SELECT co.conrelid, pg_catalog.format('CONSTRAINT %I %s', co.conname, pg_catalog.pg_get_constraintdef(co.oid))
            FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE co.contype = 'c' AND (co.conislocal OR c.relispartition) AND co.convalidated AND c.relkind IN ('r', 'p')
              AND $schema
            ORDER BY co.conrelid, co.conname""";

    private TableDefinitions() {
    }

    /** One entry per table, in no particular order. */
    static List<DumpEntry> read(Connection conn) {
        Map<Long, List<String>> elements = new HashMap<>();
        String columns = PreDataCatalog.sql(COLUMNS, "pg_class", "c.oid").replace("$seqoptions", PreDataCatalog.SEQUENCE_OPTIONS);
        for (Element e : CatalogQuery.list(conn, "table columns", columns, rs -> new Element(rs.getLong(1), column(
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getBoolean(9), rs.getString(10), rs.getBoolean(11) && !rs.getBoolean(12),
                rs.getBoolean(12))))) {
            elements.computeIfAbsent(e.table, k -> new ArrayList<>()).add(e.text);
        }
        for (Element e : CatalogQuery.list(conn, "check constraints", PreDataCatalog.sql(CHECKS, "pg_class", "c.oid"),
                rs -> new Element(rs.getLong(1), rs.getString(2)))) {
            elements.computeIfAbsent(e.table, k -> new ArrayList<>()).add(e.text);
        }
        return CatalogQuery.list(conn, "tables", PreDataCatalog.sql(TABLES, "pg_class", "c.oid"), rs -> {
            long oid = rs.getLong(1);
            String name = rs.getString(2);
            Shape shape = new Shape(name, rs.getString(3).charAt(0), "u".equals(rs.getString(4)), rs.getBoolean(5),
                    rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
            return new DumpEntry(EntryKind.TABLE, "table " + name, create(shape, elements.getOrDefault(oid, List.of())),
                    List.of(new ObjectRef(ObjectRef.PG_CLASS, oid)));
        });
    }

    private static String column(String nameAndType, String collation, String expression, String generated,
            String identity, String identityOptions, String identitySequence, boolean notNull, String notNullName,
            boolean notNullInherited, boolean partition) {
        StringBuilder sb = new StringBuilder(nameAndType);
        if (collation != null) {
            sb.append(" COLLATE ").append(collation);
        }
        if (!identity.isEmpty()) {
            // A partition's identity is its parent's: attaching makes the column share the parent's sequence.
            if (!partition) {
                sb.append(" GENERATED ").append("a".equals(identity) ? "ALWAYS" : "BY DEFAULT")
                        .append(" AS IDENTITY (SEQUENCE NAME ").append(identitySequence).append(' ')
                        .append(identityOptions).append(')');
            }
        } else if (!generated.isEmpty()) {
            sb.append(" GENERATED ALWAYS AS (").append(expression).append(')')
                    .append("s".equals(generated) ? " STORED" : " VIRTUAL");
        } else if (expression != null) {
            sb.append(" DEFAULT ").append(expression);
        }
        // A NOT NULL the column only inherits comes with the parent; naming it here would make it local.
        if (notNull && !notNullInherited) {
            if (notNullName != null) {
                sb.append(" CONSTRAINT ").append(notNullName);
            }
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    private static String create(Shape t, List<String> elements) {
        StringBuilder sb = new StringBuilder("CREATE ");
        sb.append(t.unlogged ? "UNLOGGED TABLE " : "TABLE ").append(t.name);
        sb.append(" (").append(elements.isEmpty() ? "" : "\n    " + String.join(",\n    ", elements) + "\n").append(')');
        if (t.parents != null && !t.partition) {
            sb.append("\nINHERITS (").append(t.parents).append(')');
        }
        if (t.kind == 'p') {
            sb.append("\nPARTITION BY ").append(t.partitionKey);
        }
        if (t.options != null) {
            sb.append("\nWITH (").append(t.options).append(')');
        }
        sb.append(';');
        if (t.partition) {
            sb.append("\nALTER TABLE ONLY ").append(t.parents).append(" ATTACH PARTITION ").append(t.name).append(' ')
                    .append(t.bound).append(';');
        }
        return sb.toString();
    }

    private record Element(long table, String text) {
    }

    private record Shape(String name, char kind, boolean unlogged, boolean partition, String partitionKey, String bound,
            String parents, String options) {
    }
}
