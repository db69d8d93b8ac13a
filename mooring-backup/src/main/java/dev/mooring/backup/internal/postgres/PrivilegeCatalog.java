package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the privileges of what a dump recreates, as the statements that give them back after a restore, which runs
 * them last: the owner of a schema the database owner owns ({@code pg_database_owner}, as {@code public} is since
 * PostgreSQL 15), then the {@code GRANT}s on schemas, tables, views, sequences, columns, routines and types, the
 * {@code REVOKE}s of what their defaults give {@code PUBLIC} and the object no longer does (a function's
 * {@code EXECUTE}), and the default privileges set for the backup's schemas ({@code ALTER DEFAULT PRIVILEGES FOR ROLE …
 * IN SCHEMA …}).
 *
 * <p>Owners are not dumped: restored objects belong to the restoring role, so what an object's owner holds is left
 * out. Grantors are not kept either: the restoring role grants everything. Roles are not part of a database backup;
 * the restore skips the statements naming a role the target lacks and reports it. Database-wide default privileges
 * (not tied to a schema) are left out, since a restore changes nothing outside the backup's schemas.
 * Stateless; thread-safe.
 */
final class PrivilegeCatalog {
    private static final String GRANTEE = """
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END""";

    // One row per object with an ACL of its own (NULL means the defaults, which a restored object gets anyway), and
    // one per schema: a schema may exist before the restore (public does), so what PUBLIC may not do there is revoked.
    private static final String OBJECTS = """
            SELECT 'SCHEMA' AS kind, pg_catalog.quote_ident(n.nspname) AS target, n.nspowner AS owner,
                   coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl,
                   pg_catalog.acldefault('n', n.nspowner) || pg_catalog.makeaclitem(0, n.nspowner, 'USAGE', false)
                     || pg_catalog.makeaclitem(0, n.nspowner, 'CREATE', false) AS deflt
            FROM pg_catalog.pg_namespace n WHERE $schema AND $notext(pg_namespace, n.oid)
            UNION ALL
            SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::pg_catalog.regclass::text, c.relowner,
                   c.relacl, pg_catalog.acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::pg_catalog."char",
                     c.relowner)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL AND $schema AND $notext(pg_class, c.oid)
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::pg_catalog.regprocedure::text,
                   p.proowner, p.proacl, pg_catalog.acldefault('f', p.proowner)
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE p.proacl IS NOT NULL AND $schema AND $notext(pg_proc, p.oid) AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'i')
            UNION ALL
            SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::pg_catalog.regtype::text, t.typowner,
                   t.typacl, pg_catalog.acldefault('T', t.typowner)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
            WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (c.oid IS NULL OR c.relkind = 'c') AND t.typacl IS NOT NULL
              AND $schema AND $notext(pg_type, t.oid)""";

    private static final String GRANTS = """
            SELECT NULL::oid, NULL::oid, 'privileges of ' || pg_catalog.lower(o.kind) || ' ' || o.target,
              pg_catalog.format('GRANT %s ON %s %s TO %s%s;',
                pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type), o.kind, o.target, $grantee,
                CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
            FROM ($objects) o, pg_catalog.aclexplode(o.acl) WITH ORDINALITY a
            WHERE a.grantee <> o.owner
            GROUP BY o.kind, o.target, a.grantee, a.is_grantable
            ORDER BY 3, pg_catalog.min(a.ordinality)""";

    // What the defaults give others than the owner (PUBLIC's EXECUTE, USAGE) and the object's ACL no longer holds.
    private static final String REVOKES = """
            SELECT NULL::oid, NULL::oid, 'revoked privileges of ' || pg_catalog.lower(o.kind) || ' ' || o.target,
              pg_catalog.format('REVOKE %s ON %s %s FROM %s;',
                pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type), o.kind, o.target, $grantee)
            FROM ($objects) o, pg_catalog.aclexplode(o.deflt) a
            WHERE a.grantee <> o.owner AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(o.acl) k
              WHERE k.grantee = a.grantee AND k.privilege_type = a.privilege_type)
            GROUP BY o.kind, o.target, a.grantee
            ORDER BY 3, 4""";

    private static final String COLUMN_GRANTS = """
            SELECT NULL::oid, NULL::oid, pg_catalog.format('privileges of column %s.%I', c.oid::pg_catalog.regclass, att.attname),
              pg_catalog.format('GRANT %s ON TABLE %s TO %s%s;',
                pg_catalog.string_agg(pg_catalog.format('%s (%I)', a.privilege_type, att.attname), ', '
                  ORDER BY a.privilege_type), c.oid::pg_catalog.regclass, $grantee,
                CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
            FROM pg_catalog.pg_attribute att JOIN pg_catalog.pg_class c ON c.oid = att.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, pg_catalog.aclexplode(att.attacl) a
            WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped AND a.grantee <> c.relowner
              AND c.relkind IN ('r', 'p', 'v', 'm') AND $schema AND $notext(pg_class, c.oid)
            GROUP BY c.oid, att.attname, a.grantee, a.is_grantable
            ORDER BY 3, 4""";

    private static final String DEFAULT_PRIVILEGES = """
            SELECT NULL::oid, NULL::oid, pg_catalog.format('default privileges of %I in schema %I',
                pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname),
              pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT %s ON %s TO %s%s;',
                pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname,
                pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type),
                CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                  WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END, $grantee,
                CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
            FROM pg_catalog.pg_default_acl d JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace,
              pg_catalog.aclexplode(d.defaclacl) a
            WHERE $schema
            GROUP BY d.defaclrole, n.nspname, d.defaclobjtype, a.grantee, a.is_grantable
            ORDER BY 3, 4""";

    private static final String DATABASE_OWNED_SCHEMAS = """
            SELECT NULL::oid, NULL::oid, 'owner of schema ' || n.nspname,
              pg_catalog.format('ALTER SCHEMA %I OWNER TO pg_database_owner;', n.nspname)
            FROM pg_catalog.pg_namespace n
            WHERE n.nspowner = 'pg_database_owner'::pg_catalog.regrole AND $schema
            ORDER BY 3""";

    private PrivilegeCatalog() {
    }

    /**
     * The privilege statements, in the order a restore runs them: owners, revokes, grants (per object in the order of
     * its ACL, so the restored ACL reads the same), column grants, default privileges.
     */
    static List<DumpEntry> read(Connection conn) {
        List<DumpEntry> entries = new ArrayList<>();
        for (String query : List.of(DATABASE_OWNED_SCHEMAS, REVOKES, GRANTS, COLUMN_GRANTS, DEFAULT_PRIVILEGES)) {
            entries.addAll(CatalogQuery.entries(conn, EntryKind.PRIVILEGE, sql(query)));
        }
        return entries;
    }

    private static String sql(String template) {
        return CatalogQuery.filtered(template.replace("$objects", OBJECTS).replace("$grantee", GRANTEE));
    }
}
