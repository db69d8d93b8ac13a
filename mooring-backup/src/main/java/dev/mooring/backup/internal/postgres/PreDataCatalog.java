package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the definitions of schemas, extensions, types, routines, sequences, views and materialized views
 * (tables come from {@link TableDefinitions}). The DDL is printed by the server's own catalog functions where
 * one exists, in a session whose empty search_path makes every name schema-qualified. Stateless; thread-safe.
 */
final class PreDataCatalog {
    private static final String SCHEMAS = """
            SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass::oid, n.oid, 'schema ' || n.nspname,
                   pg_catalog.format('CREATE SCHEMA IF NOT EXISTS %I;', n.nspname)
            FROM pg_catalog.pg_namespace n
            WHERE $schema AND $notext
            ORDER BY n.nspname""";

    private static final String EXTENSIONS = """
            SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass::oid, e.oid, 'extension ' || e.extname,
                   pg_catalog.format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I;', e.extname, n.nspname)
            FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
            WHERE $schema""";

    private static final String ENUMS_AND_DOMAINS = """
            SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, 'type ' || t.oid::pg_catalog.regtype,
              CASE t.typtype WHEN 'e' THEN pg_catalog.format('CREATE TYPE %s AS ENUM (%s);', t.oid::pg_catalog.regtype,
                (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
              ELSE pg_catalog.format('CREATE DOMAIN %s AS %s%s%s%s%s;', t.oid::pg_catalog.regtype,
                pg_catalog.format_type(t.typbasetype, t.typtypmod),
                CASE WHEN t.typcollation <> bt.typcollation THEN ' COLLATE ' || t.typcollation::pg_catalog.regcollation END,
                ' DEFAULT ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0),
                (SELECT pg_catalog.string_agg(pg_catalog.format(' CONSTRAINT %I %s', c.conname,
                        pg_catalog.pg_get_constraintdef(c.oid)), '' ORDER BY c.contype DESC, c.conname)
                 FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid),
                CASE WHEN t.typnotnull AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
                     WHERE c.contypid = t.oid AND c.contype = 'n') THEN ' NOT NULL' END)
              END
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
            WHERE t.typtype IN ('e', 'd') AND $schema AND $notext""";

    private static final String COMPOSITES = """
            SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, 'type ' || t.oid::pg_catalog.regtype,
              pg_catalog.format('CREATE TYPE %s AS (%s);', t.oid::pg_catalog.regtype,
                (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s%s', a.attname,
                          pg_catalog.format_type(a.atttypid, a.atttypmod),
                          CASE WHEN a.attcollation <> at.typcollation
                               THEN ' COLLATE ' || a.attcollation::pg_catalog.regcollation END), ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)),
              t.typrelid
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
            WHERE t.typtype = 'c' AND c.relkind = 'c' AND $schema AND $notext""";

    private static final String RANGES = """
            SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, 'type ' || t.oid::pg_catalog.regtype,
              pg_catalog.format('CREATE TYPE %s AS RANGE (SUBTYPE = %s, SUBTYPE_OPCLASS = %I.%I%s%s, MULTIRANGE_TYPE_NAME = %s);',
                t.oid::pg_catalog.regtype, pg_catalog.format_type(r.rngsubtype, NULL), opn.nspname, opc.opcname,
                CASE WHEN r.rngcollation <> st.typcollation THEN ', COLLATION = ' || r.rngcollation::pg_catalog.regcollation END,
                CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::pg_catalog.regproc END,
                r.rngmultitypid::pg_catalog.regtype)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
            JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
            WHERE t.typtype = 'r' AND $schema AND $notext""";

    // A function another object made for itself (a range type's constructors) comes back with that object.
    private static final String FUNCTIONS = """
            SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::oid, p.oid,
                   CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END || p.oid::pg_catalog.regprocedure,
                   pg_catalog.rtrim(pg_catalog.pg_get_functiondef(p.oid), E'\\n ') || ';'
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE p.prokind <> 'a' AND $schema AND $notext AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'i')""";

    // No catalog function prints an aggregate, so the statement is assembled from pg_aggregate.
    private static final String AGGREGATES = """
            SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::oid, p.oid, 'aggregate ' || p.oid::pg_catalog.regprocedure,
              pg_catalog.format('CREATE AGGREGATE %I.%I(%s) (%s);', n.nspname, p.proname,
                CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_arguments(p.oid) END,
                pg_catalog.concat_ws(', ',
                  'SFUNC = ' || a.aggtransfn::pg_catalog.regproc,
                  'STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL),
                  CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
                  CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::pg_catalog.regproc END,
                  CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                  CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC_MODIFY = '
                       || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
                  CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::pg_catalog.regproc END,
                  CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::pg_catalog.regproc END,
                  CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || a.aggdeserialfn::pg_catalog.regproc END,
                  'INITCOND = ' || pg_catalog.quote_literal(a.agginitval),
                  CASE WHEN a.aggmtransfn <> 0 THEN 'MSFUNC = ' || a.aggmtransfn::pg_catalog.regproc
                       || ', MINVFUNC = ' || a.aggminvtransfn::pg_catalog.regproc
                       || ', MSTYPE = ' || pg_catalog.format_type(a.aggmtranstype, NULL) END,
                  CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END,
                  CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || a.aggmfinalfn::pg_catalog.regproc END,
                  CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
                  'MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval),
                  CASE WHEN a.aggsortop <> 0 THEN (SELECT pg_catalog.format('SORTOP = OPERATOR(%I.%s)', on2.nspname, o.oprname)
                       FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace on2 ON on2.oid = o.oprnamespace
                       WHERE o.oid = a.aggsortop) END,
                  CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END,
                  CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END))
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
            WHERE $schema AND $notext""";

    // Identity sequences are created by their column; every other sequence is created here.
    private static final String SEQUENCES = """
            SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, c.oid, 'sequence ' || c.oid::pg_catalog.regclass,
              pg_catalog.format('CREATE %sSEQUENCE %s AS %s %s;', CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END,
                c.oid::pg_catalog.regclass, pg_catalog.format_type(s.seqtypid, NULL), $seqoptions)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
            WHERE c.relkind = 'S' AND $schema AND $notext AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'i')""";

    /** The options of sequence {@code s} (a pg_sequence row), as CREATE SEQUENCE and identity columns spell them. */
    static final String SEQUENCE_OPTIONS = """
            pg_catalog.format('INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s', s.seqincrement,
              s.seqmin, s.seqmax, s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END)""";

    private static final String VIEWS = """
            SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, c.oid,
              CASE c.relkind WHEN 'v' THEN 'view ' ELSE 'materialized view ' END || c.oid::pg_catalog.regclass,
              pg_catalog.format(E'CREATE %s %s%s AS\\n%s%s;', CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'MATERIALIZED VIEW' END,
                c.oid::pg_catalog.regclass, ' WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')',
                pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), E'; \\n'),
                CASE c.relkind WHEN 'm' THEN E'\\n  WITH NO DATA' ELSE '' END),
              c.relkind
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND $schema AND $notext""";

    private PreDataCatalog() {
    }

    /** Every pre-data entry except tables, in no particular order. */
    static List<DumpEntry> read(Connection conn) {
        List<DumpEntry> entries = new ArrayList<>();
        entries.addAll(CatalogQuery.entries(conn, EntryKind.SCHEMA, sql(SCHEMAS, "pg_namespace", "n.oid")));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.EXTENSION, sql(EXTENSIONS, "pg_extension", "e.oid")));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.TYPE, sql(ENUMS_AND_DOMAINS, "pg_type", "t.oid")));
        entries.addAll(composites(conn));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.TYPE, sql(RANGES, "pg_type", "t.oid")));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.FUNCTION, sql(FUNCTIONS, "pg_proc", "p.oid")));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.AGGREGATE, sql(AGGREGATES, "pg_proc", "p.oid")));
        entries.addAll(CatalogQuery.entries(conn, EntryKind.SEQUENCE,
                sql(SEQUENCES, "pg_class", "c.oid").replace("$seqoptions", SEQUENCE_OPTIONS)));
        entries.addAll(views(conn));
        return entries;
    }

    private static List<DumpEntry> composites(Connection conn) {
        // A composite type is a pg_type row and a pg_class row; dependencies may name either.
        return CatalogQuery.list(conn, "composite types", sql(COMPOSITES, "pg_type", "t.oid"), rs -> new DumpEntry(
                EntryKind.TYPE, rs.getString(3), rs.getString(4), List.of(new ObjectRef(rs.getLong(1), rs.getLong(2)),
                        new ObjectRef(ObjectRef.PG_CLASS, rs.getLong(5)))));
    }

    private static List<DumpEntry> views(Connection conn) {
        return CatalogQuery.list(conn, "views", sql(VIEWS, "pg_class", "c.oid"), rs -> new DumpEntry(
                "m".equals(rs.getString(5)) ? EntryKind.MATERIALIZED_VIEW : EntryKind.VIEW, rs.getString(3),
                rs.getString(4), List.of(new ObjectRef(rs.getLong(1), rs.getLong(2)))));
    }

    /** Fills in the schema and extension-membership filters of a query. */
    static String sql(String template, String catalog, String oidExpression) {
        return template.replace("$schema", CatalogQuery.dumpedSchema("n"))
                .replace("$notext", CatalogQuery.notInExtension(catalog, oidExpression));
    }
}
