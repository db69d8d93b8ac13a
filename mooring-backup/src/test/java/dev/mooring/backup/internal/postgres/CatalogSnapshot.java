package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side picture of a database's user schema: one (kind, identity, definition) triple per object,
 * read straight from pg_catalog with the server's own deparsers, independently of the dump's queries, and
 * sorted, so two databases compare object by object. OIDs never appear, names always do.
 */
final class CatalogSnapshot {
    private static final String SCHEMA_OK = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

    private static String notMember(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = "
                + oid + " AND e.deptype = 'e')";
    }

    private static final List<String> QUERIES = List.of(
            "SELECT 'schema', n.nspname, '' FROM pg_namespace n WHERE " + SCHEMA_OK,
            "SELECT 'extension', x.extname, n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace",
            """
            SELECT 'type', n.nspname || '.' || t.typname, t.typtype::text || ' ' || format_type(t.typbasetype, t.typtypmod)
              || ' notnull=' || t.typnotnull || ' default=' || coalesce(pg_get_expr(t.typdefaultbin, 0), '-')
              || ' collation=' || t.typcollation::regcollation::text
              || ' labels=' || coalesce((SELECT string_agg(enumlabel, '|' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid), '')
              || ' attrs=' || coalesce((SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod) || ':' || attcollation::regcollation::text, '|' ORDER BY attnum)
                   FROM pg_attribute WHERE attrelid = t.typrelid AND attnum > 0), '')
              || ' range=' || coalesce((SELECT format_type(rngsubtype, NULL) || ':' || rngsubdiff::regproc::text FROM pg_range WHERE rngtypid = t.oid), '')
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_class c ON c.oid = t.typrelid
            WHERE t.typtype IN ('e', 'd', 'r', 'c', 'm') AND (c.oid IS NULL OR c.relkind = 'c') AND %s AND %s
            """.formatted(SCHEMA_OK, notMember("pg_type", "t.oid")),
            """
            SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END, p.oid::regprocedure::text,
              CASE WHEN p.prokind = 'a' THEN (SELECT concat_ws(' ', aggkind, aggtransfn::regproc, format_type(aggtranstype, NULL),
                   aggfinalfn::regproc, aggcombinefn::regproc, agginitval, aggsortop) FROM pg_aggregate WHERE aggfnoid = p.oid)
                ELSE pg_get_functiondef(p.oid) END
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE %s AND %s
            """.formatted(SCHEMA_OK, notMember("pg_proc", "p.oid")),
            """
            SELECT 'relation', c.oid::regclass::text, c.relkind::text || ' ' || c.relpersistence::text || ' populated=' || c.relispopulated
              || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
              || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity
              || ' partkey=' || coalesce(pg_get_partkeydef(c.oid), '') || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
              || ' parents=' || coalesce((SELECT string_agg(inhparent::regclass::text, ',' ORDER BY inhseqno) FROM pg_inherits WHERE inhrelid = c.oid), '')
              || ' view=' || CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) ELSE '' END
              || ' index=' || CASE WHEN c.relkind IN ('i', 'I') THEN pg_get_indexdef(c.oid) ELSE '' END
              || ' seq=' || coalesce((SELECT concat_ws(',', format_type(seqtypid, NULL), seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle)
                   FROM pg_sequence WHERE seqrelid = c.oid), '')
              || ' owner=' || coalesce((SELECT d.refobjid::regclass::text || '.' || d.refobjsubid || d.deptype::text FROM pg_depend d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                     AND c.relkind = 'S'), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'c') AND %s AND %s
            """.formatted(SCHEMA_OK, notMember("pg_class", "c.oid")),
            """
            SELECT 'column', c.oid::regclass::text || '.' || a.attname,
              row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' ' || format_type(a.atttypid, a.atttypmod)
              || ' notnull=' || a.attnotnull || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
              || ' local=' || a.attislocal || ' inh=' || a.attinhcount
              || ' collation=' || a.attcollation::regcollation::text || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'c') AND %s AND %s
            """.formatted(SCHEMA_OK, notMember("pg_class", "c.oid")),
            """
            SELECT 'constraint', coalesce(co.conrelid::regclass::text, '') || coalesce(co.contypid::regtype::text, '') || '.' || co.conname,
              co.contype::text || ' ' || pg_get_constraintdef(co.oid) || ' validated=' || co.convalidated || ' local=' || co.conislocal
              || ' inh=' || co.coninhcount || ' parent=' || coalesce((SELECT p.conname FROM pg_constraint p WHERE p.oid = co.conparentid), '')
              || ' index=' || coalesce(co.conindid::regclass::text, '')
            FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE %s
            """.formatted(SCHEMA_OK),
            """
            SELECT 'trigger', t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
              || ' cloned=' || (t.tgparentid <> 0)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND %s
            """.formatted(SCHEMA_OK),
            """
            SELECT 'policy', pol.polrelid::regclass::text || '.' || pol.polname, pol.polcmd::text || ' ' || pol.polpermissive
              || ' roles=' || pol.polroles::text || ' using=' || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '')
              || ' check=' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '')
            FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE %s
            """.formatted(SCHEMA_OK),
            """
            SELECT 'statistics', n.nspname || '.' || s.stxname, pg_get_statisticsobjdef(s.oid)
            FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE %s
            """.formatted(SCHEMA_OK),
            """
            SELECT 'rule', r.ev_class::regclass::text || '.' || r.rulename, pg_get_ruledef(r.oid)
            FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE r.rulename <> '_RETURN' AND %s
            """.formatted(SCHEMA_OK),
            """
            SELECT 'sequence value', s.schemaname || '.' || s.sequencename, coalesce(s.last_value::text, 'not called')
            FROM pg_sequences s WHERE s.schemaname NOT LIKE 'pg\\_%'
            """,
            // Who holds what, with the owner named "owner" and grantors left out: a restore does not keep owners or
            // grantors, and a schema that already existed in the target (public) keeps its owner.
            """
            SELECT 'privileges', kind || ' ' || name, coalesce((SELECT string_agg(CASE WHEN a.grantee = owner THEN 'owner'
                WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END || '=' || a.privilege_type
                || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ',' ORDER BY 1)
              FROM aclexplode(coalesce(acl, acldefault(deflt, owner))) a), '') FROM (
              SELECT 'schema' AS kind, n.nspname::text AS name, n.nspowner AS owner, n.nspacl AS acl, 'n'::"char" AS deflt
              FROM pg_namespace n WHERE %1$s
              UNION ALL SELECT 'relation', c.oid::regclass::text, c.relowner, c.relacl,
                CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char"
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND %1$s
              UNION ALL SELECT 'column', c.oid::regclass::text || '.' || a.attname, c.relowner, a.attacl, 'c'
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE a.attacl IS NOT NULL AND %1$s
              UNION ALL SELECT 'routine', p.oid::regprocedure::text, p.proowner, p.proacl, 'f'
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE %1$s
              UNION ALL SELECT 'type', t.oid::regtype::text, t.typowner, t.typacl, 'T'
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'r') AND %1$s
              UNION ALL SELECT 'default privileges', d.defaclrole::regrole::text || ' in ' || n.nspname || ' on '
                || d.defaclobjtype::text, 0, d.defaclacl, 'n'
              FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE %1$s) acls
            """.formatted(SCHEMA_OK),
            """
            SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description
            FROM pg_description d
            WHERE d.classoid <> 'pg_extension'::regclass
              AND (d.objoid >= 16384 OR (d.classoid = 'pg_namespace'::regclass AND d.objoid = 'public'::regnamespace))
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = d.objoid AND e.classid = d.classoid AND e.deptype = 'e')
              AND pg_describe_object(d.classoid, d.objoid, d.objsubid) NOT LIKE '% pg\\_catalog.%'
            """);

    private CatalogSnapshot() {
    }

    /** The sorted triples, one per line as {@code kind | identity | definition}. */
    static List<String> of(Connection conn) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement st = conn.createStatement()) {
            st.execute("SET search_path = ''");
            for (String sql : QUERIES) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        lines.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3));
                    }
                }
            }
        }
        lines.sort(null);
        return lines;
    }
}
