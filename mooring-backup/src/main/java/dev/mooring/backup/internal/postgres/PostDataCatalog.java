package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads what a dump creates after the data, in the order the script runs it: key constraints, indexes (each
 * partition's own, then attached to its parent's as the original was), NOT VALID checks, foreign keys,
 * triggers, rules, row-level security and its policies, extended statistics and sequence ownership. Objects a
 * partition got from its parent (foreign keys, triggers) are left to the parent's statement, which recreates them. Stateless; thread-safe.
 */
final class PostDataCatalog {
    // ONLY: a partition's own constraint is created separately and attached, like the original.
    private static final String KEY_CONSTRAINTS = """
            SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::oid, co.oid,
              pg_catalog.format('constraint %I on %s', co.conname, co.conrelid::pg_catalog.regclass),
              pg_catalog.format('ALTER TABLE ONLY %s ADD CONSTRAINT %I %s;', co.conrelid::pg_catalog.regclass, co.conname,
                pg_catalog.pg_get_constraintdef(co.oid))
            FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE co.contype IN ('p', 'u', 'x') AND $schema AND $notext""";

    private static final String INDEXES = """
            SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, i.oid, 'index ' || i.oid::pg_catalog.regclass,
              pg_catalog.pg_get_indexdef(i.oid) || ';'
            FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class c ON c.oid = x.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE $schema AND $notext AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint co
              WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid AND co.contype IN ('p', 'u', 'x'))""";

    private static final String INDEX_ATTACHMENTS = """
            SELECT NULL::oid, NULL::oid, 'attachment of index ' || i.oid::pg_catalog.regclass,
              pg_catalog.format('ALTER INDEX %s ATTACH PARTITION %s;', h.inhparent::pg_catalog.regclass, i.oid::pg_catalog.regclass)
            FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class i ON i.oid = h.inhrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
            WHERE i.relkind IN ('i', 'I') AND $schema""";

    private static final String LATE_CHECKS = """
            SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::oid, co.oid,
              pg_catalog.format('constraint %I on %s', co.conname, co.conrelid::pg_catalog.regclass),
              pg_catalog.format('ALTER TABLE %s%s ADD CONSTRAINT %I %s;', CASE WHEN co.connoinherit THEN 'ONLY ' ELSE '' END,
                co.conrelid::pg_catalog.regclass, co.conname, pg_catalog.pg_get_constraintdef(co.oid))
            FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE co.contype = 'c' AND co.conislocal AND NOT co.convalidated AND c.relkind IN ('r', 'p') AND $schema AND $notext""";

    // A foreign key on a partitioned table cannot be added with ONLY; it creates the partitions' copies itself.
    private static final String FOREIGN_KEYS = """
            SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::oid, co.oid,
              pg_catalog.format('constraint %I on %s', co.conname, co.conrelid::pg_catalog.regclass),
              pg_catalog.format('ALTER TABLE %s%s ADD CONSTRAINT %I %s;', CASE WHEN c.relkind = 'p' THEN '' ELSE 'ONLY ' END,
                co.conrelid::pg_catalog.regclass, co.conname, pg_catalog.pg_get_constraintdef(co.oid))
            FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE co.contype = 'f' AND co.conparentid = 0 AND $schema AND $notext""";

    private static final String TRIGGERS = """
            SELECT 'pg_catalog.pg_trigger'::pg_catalog.regclass::oid, tg.oid,
              pg_catalog.format('trigger %I on %s', tg.tgname, tg.tgrelid::pg_catalog.regclass),
              pg_catalog.pg_get_triggerdef(tg.oid) || ';' || CASE tg.tgenabled
                WHEN 'D' THEN pg_catalog.format(E'\\nALTER TABLE %s DISABLE TRIGGER %I;', tg.tgrelid::pg_catalog.regclass, tg.tgname)
                WHEN 'R' THEN pg_catalog.format(E'\\nALTER TABLE %s ENABLE REPLICA TRIGGER %I;', tg.tgrelid::pg_catalog.regclass, tg.tgname)
                WHEN 'A' THEN pg_catalog.format(E'\\nALTER TABLE %s ENABLE ALWAYS TRIGGER %I;', tg.tgrelid::pg_catalog.regclass, tg.tgname)
                ELSE '' END
            FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND $schema AND $notext""";

    private static final String RULES = """
            SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass::oid, r.oid,
              pg_catalog.format('rule %I on %s', r.rulename, r.ev_class::pg_catalog.regclass), pg_catalog.pg_get_ruledef(r.oid)
            FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE r.rulename <> '_RETURN' AND $schema AND $notext""";

    private static final String ROW_SECURITY = """
            SELECT NULL::oid, NULL::oid, 'row security of ' || c.oid::pg_catalog.regclass,
              pg_catalog.format('ALTER TABLE ONLY %s ENABLE ROW LEVEL SECURITY;', c.oid::pg_catalog.regclass)
              || CASE WHEN c.relforcerowsecurity THEN pg_catalog.format(E'\\nALTER TABLE ONLY %s FORCE ROW LEVEL SECURITY;',
                   c.oid::pg_catalog.regclass) ELSE '' END
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relrowsecurity AND $schema AND $notext""";

    // Roles are named as they are: a restore into a cluster without them fails, as pg_dump's would.
    private static final String POLICIES = """
            SELECT 'pg_catalog.pg_policy'::pg_catalog.regclass::oid, p.oid,
              pg_catalog.format('policy %I on %s', p.polname, p.polrelid::pg_catalog.regclass),
              pg_catalog.format('CREATE POLICY %I ON %s AS %s FOR %s TO %s%s%s;', p.polname, p.polrelid::pg_catalog.regclass,
                CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE'
                  ELSE 'ALL' END,
                (SELECT pg_catalog.string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC'
                   ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.oid)) END, ', ' ORDER BY r.ord)
                 FROM pg_catalog.unnest(p.polroles) WITH ORDINALITY r(oid, ord)),
                ' USING (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')',
                ' WITH CHECK (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')')
            FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE $schema AND $notext""";

    private static final String STATISTICS = """
            SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::oid, s.oid,
              pg_catalog.format('statistics %I.%I', n.nspname, s.stxname), pg_catalog.pg_get_statisticsobjdef(s.oid) || ';'
            FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
            WHERE $schema AND $notext""";

    private static final String SEQUENCE_OWNERS = """
            SELECT NULL::oid, NULL::oid, 'ownership of sequence ' || s.oid::pg_catalog.regclass,
              pg_catalog.format('ALTER SEQUENCE %s OWNED BY %s.%I;', s.oid::pg_catalog.regclass,
                d.refobjid::pg_catalog.regclass, a.attname)
            FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid
            JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.deptype = 'a' AND s.relkind = 'S' AND $schema AND $notext""";

    private PostDataCatalog() {
    }

    /** The post-data entries in script order (kind, then label). */
    static List<DumpEntry> read(Connection conn) {
        List<DumpEntry> entries = new ArrayList<>();
        add(conn, entries, EntryKind.CONSTRAINT, KEY_CONSTRAINTS, "pg_class", "c.oid");
        add(conn, entries, EntryKind.INDEX, INDEXES, "pg_class", "c.oid");
        add(conn, entries, EntryKind.INDEX_ATTACH, INDEX_ATTACHMENTS, "pg_class", "i.oid");
        add(conn, entries, EntryKind.CHECK_NOT_VALID, LATE_CHECKS, "pg_class", "c.oid");
        add(conn, entries, EntryKind.FOREIGN_KEY, FOREIGN_KEYS, "pg_class", "c.oid");
        add(conn, entries, EntryKind.TRIGGER, TRIGGERS, "pg_class", "c.oid");
        add(conn, entries, EntryKind.RULE, RULES, "pg_class", "c.oid");
        add(conn, entries, EntryKind.ROW_SECURITY, ROW_SECURITY, "pg_class", "c.oid");
        add(conn, entries, EntryKind.POLICY, POLICIES, "pg_class", "c.oid");
        add(conn, entries, EntryKind.STATISTICS, STATISTICS, "pg_statistic_ext", "s.oid");
        add(conn, entries, EntryKind.SEQUENCE_OWNER, SEQUENCE_OWNERS, "pg_class", "s.oid");
        entries.sort(Comparator.comparing(DumpEntry::kind).thenComparing(DumpEntry::label));
        return entries;
    }

    private static void add(Connection conn, List<DumpEntry> entries, EntryKind kind, String template, String catalog,
            String oid) {
        entries.addAll(CatalogQuery.entries(conn, kind, PreDataCatalog.sql(template, catalog, oid)));
    }
}
