package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.postgres.DumpAllowList.Section;
import dev.mooring.backup.internal.postgres.StatementShapes.Shape;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises the privilege statements {@link PrivilegeCatalog} writes: {@code GRANT}/{@code REVOKE} of object
 * privileges on a schema, table, sequence, routine or type of the backup, {@code ALTER DEFAULT PRIVILEGES FOR ROLE …
 * IN SCHEMA …} and {@code ALTER SCHEMA … OWNER TO pg_database_owner}. Role memberships ({@code GRANT role TO role}),
 * privileges on databases, languages, parameters or large objects, and {@code ALL … IN SCHEMA} forms are not among
 * them. Reads the roles each statement names, which must exist on the target. Stateless.
 */
final class PrivilegeShapes {
    private static final Set<String> PRIVILEGES = Set.of("select", "insert", "update", "delete", "truncate",
            "references", "trigger", "maintain", "usage", "create", "execute");
    private static final Set<String> DEFAULT_OBJECTS = Set.of("tables", "sequences", "functions", "routines", "types",
            "schemas");

    private PrivilegeShapes() {
    }

    static Shape read(StatementTokens t) {
        if (t.words(0, "alter", "schema")) {
            if (t.words(3, "owner", "to", "pg_database_owner") && t.size() == 6) {
                return Shape.of(Section.PRIVILEGES, List.of(StatementShapes.schema(t, 2)));
            }
            throw new NotOwnStatement("Mooring changes a schema's owner only to pg_database_owner");
        }
        List<String> roles = new ArrayList<>();
        List<String> schemas = new ArrayList<>();
        String actingRole = null;
        int i = 0;
        if (t.words(0, "alter", "default", "privileges", "for", "role")) {
            if (!t.identifier(5) || !t.words(6, "in", "schema")) {
                throw new NotOwnStatement("Mooring restores default privileges of one role IN SCHEMA of the backup");
            }
            actingRole = t.identifierName(5);
            schemas.add(StatementShapes.schema(t, 8));
            i = 9;
        }
        boolean grant = t.word(i, "grant");
        if (!grant && !t.word(i, "revoke")) {
            throw new NotOwnStatement("default privileges are granted or revoked");
        }
        int on = privileges(t, i + 1);
        int after = i == 0 ? target(t, on + 1, schemas) : defaultObjects(t, on + 1);
        if (!t.word(after, grant ? "to" : "from")) {
            throw new NotOwnStatement("privileges go TO a grantee, or are revoked FROM one");
        }
        int end = grantee(t, after + 1, roles);
        if (grant && t.words(end, "with", "grant", "option")) {
            end += 3;
        }
        StatementShapes.requireEnd(t, end);
        return new Shape(Section.PRIVILEGES, schemas, null, null, null, null, roles, actingRole, null);
    }

    /** Reads {@code priv [(columns)], …} from {@code i}; returns the index of the ON that follows. */
    private static int privileges(StatementTokens t, int i) {
        while (true) {
            if (!t.is(i, TokenType.WORD) || !PRIVILEGES.contains(t.get(i).text().toLowerCase(Locale.ROOT))) {
                throw new NotOwnStatement("Mooring grants object privileges only, never roles");
            }
            i++;
            if (t.symbol(i, '(')) {
                int close = t.afterClosing(i);
                for (int c = i + 1; c < close - 1; c++) {
                    if (!(t.identifier(c) || t.symbol(c, ','))) {
                        throw new NotOwnStatement("a column privilege lists column names");
                    }
                }
                i = close;
            }
            if (t.word(i, "on")) {
                return i;
            }
            if (!t.symbol(i, ',')) {
                throw new NotOwnStatement("privileges are a comma-separated list followed by ON");
            }
            i++;
        }
    }

    private static int target(StatementTokens t, int i, List<String> schemas) {
        if (t.word(i, "schema")) {
            schemas.add(StatementShapes.schema(t, i + 1));
            return i + 2;
        }
        boolean routine = t.word(i, "function") || t.word(i, "procedure");
        if (!routine && !t.word(i, "table") && !t.word(i, "sequence") && !t.word(i, "type") && !t.word(i, "domain")) {
            throw new NotOwnStatement("Mooring grants privileges on schemas, tables, sequences, routines and types only");
        }
        int end = StatementShapes.qualified(t, i + 1);
        schemas.add(StatementShapes.schemaOf(t, i + 1, end));
        if (routine) {
            if (!t.symbol(end, '(')) {
                throw new NotOwnStatement("a routine is named with its argument types");
            }
            end = t.afterClosing(end);
        }
        return end;
    }

    private static int defaultObjects(StatementTokens t, int i) {
        if (!t.is(i, TokenType.WORD) || !DEFAULT_OBJECTS.contains(t.get(i).text().toLowerCase(Locale.ROOT))) {
            throw new NotOwnStatement("default privileges apply to tables, sequences, functions, routines, types or schemas");
        }
        return i + 1;
    }

    private static int grantee(StatementTokens t, int i, List<String> roles) {
        if (t.word(i, "public")) {
            return i + 1;
        }
        if (!t.identifier(i)) {
            throw new NotOwnStatement("a grantee is a role name or PUBLIC");
        }
        roles.add(t.identifierName(i));
        return i + 1;
    }
}
