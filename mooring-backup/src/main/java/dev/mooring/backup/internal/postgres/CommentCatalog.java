package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the comment of every dumped object as a {@code COMMENT ON} statement. Comments on objects created
 * after the data (indexes, key and foreign-key constraints, triggers, rules) are post-data entries, the
 * rest pre-data. Comments of extensions and their members are left to the extension. Stateless; thread-safe.
 */
final class CommentCatalog {
    // Each branch spells the COMMENT ON target of one catalog and says whether that object is post-data.
    private static final String COMMENTS = """
            SELECT target, post, pg_catalog.format('COMMENT ON %s IS %L;', target, description) FROM (
              SELECT pg_catalog.format('SCHEMA %I', n.nspname) AS target, false AS post, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_namespace n ON n.oid = d.objoid
              WHERE d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND $schema AND $notext(pg_namespace, n.oid)
            UNION ALL
              SELECT CASE WHEN d.objsubid > 0 THEN pg_catalog.format('COLUMN %s.%I', c.oid::pg_catalog.regclass, a.attname)
                       ELSE CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'S' THEN 'SEQUENCE '
                         WHEN 'i' THEN 'INDEX ' WHEN 'I' THEN 'INDEX ' WHEN 'c' THEN 'TYPE ' WHEN 'f' THEN 'FOREIGN TABLE '
                         ELSE 'TABLE ' END || c.oid::pg_catalog.regclass END,
                     d.objsubid = 0 AND c.relkind IN ('i', 'I'), d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_class c ON c.oid = d.objoid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
              WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.relkind <> 't' AND $schema
                AND $notext(pg_class, c.oid)
            UNION ALL
              SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || t.oid::pg_catalog.regtype, false, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_type t ON t.oid = d.objoid
              JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
              WHERE d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND $schema AND $notext(pg_type, t.oid)
            UNION ALL
              SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
                       || p.oid::pg_catalog.regprocedure, false, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_proc p ON p.oid = d.objoid
              JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND $schema AND $notext(pg_proc, p.oid)
            UNION ALL
              SELECT CASE WHEN co.conrelid <> 0
                       THEN pg_catalog.format('CONSTRAINT %I ON %s', co.conname, co.conrelid::pg_catalog.regclass)
                       ELSE pg_catalog.format('CONSTRAINT %I ON DOMAIN %s', co.conname, co.contypid::pg_catalog.regtype) END,
                     co.contype IN ('p', 'u', 'x', 'f') OR NOT co.convalidated, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_constraint co ON co.oid = d.objoid
              JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace
              WHERE d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND $schema
            UNION ALL
              SELECT pg_catalog.format('TRIGGER %I ON %s', tg.tgname, tg.tgrelid::pg_catalog.regclass), true, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_trigger tg ON tg.oid = d.objoid
              JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND $schema AND $notext(pg_class, c.oid)
            UNION ALL
              SELECT pg_catalog.format('RULE %I ON %s', r.rulename, r.ev_class::pg_catalog.regclass), true, d.description
              FROM pg_catalog.pg_description d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objoid
              JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.rulename <> '_RETURN' AND $schema
                AND $notext(pg_class, c.oid)
            ) comments""";

    private CommentCatalog() {
    }

    /** Every comment, sorted by target; pre-data ones have kind COMMENT, the others POST_DATA_COMMENT. */
    static List<DumpEntry> read(Connection conn) {
        String sql = CatalogQuery.filtered(COMMENTS);
        List<DumpEntry> comments = CatalogQuery.list(conn, "comments", sql, rs -> new DumpEntry(
                rs.getBoolean(2) ? EntryKind.POST_DATA_COMMENT : EntryKind.COMMENT, "comment on " + rs.getString(1),
                rs.getString(3), List.of()));
        comments.sort(Comparator.comparing(DumpEntry::label));
        return comments;
    }
}
