package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the dump's catalog queries and the SQL fragments they share. Every query filters to the schemas a dump
 * contains and leaves out objects that belong to an extension (the extension's script creates those).
 * Stateless; thread-safe.
 */
final class CatalogQuery {
    /** Schemas that are never dumped: the system's own and the per-session temporary and TOAST ones. */
    static final String DUMPED_SCHEMA = "(%1$s.nspname NOT LIKE 'pg\\_%%' AND %1$s.nspname <> 'information_schema')";
    /** No {@code e} (extension membership) dependency for an object of the given catalog. */
    static final String NOT_IN_EXTENSION = "NOT EXISTS (SELECT FROM pg_catalog.pg_depend ext WHERE ext.classid = "
            + "'pg_catalog.%1$s'::pg_catalog.regclass AND ext.objid = %2$s AND ext.deptype = 'e')";

    private static final Pattern NOT_IN_EXTENSION_MARK = Pattern.compile("\\$notext\\((\\w+), (\\w+\\.oid)\\)");

    /** Maps one row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private CatalogQuery() {
    }

    /** {@code nspname} of alias {@code n} is a dumped schema. */
    static String dumpedSchema(String alias) {
        return String.format(DUMPED_SCHEMA, alias);
    }

    /** The object {@code oidExpression} of {@code catalog} is not an extension member. */
    static String notInExtension(String catalog, String oidExpression) {
        return String.format(NOT_IN_EXTENSION, catalog, oidExpression);
    }

    /**
     * Fills in a query's filters: {@code $schema} (schema alias {@code n} is a dumped schema) and every
     * {@code $notext(catalog, alias.oid)} (that object is not an extension member).
     */
    static String filtered(String template) {
        String sql = template.replace("$schema", dumpedSchema("n"));
        return NOT_IN_EXTENSION_MARK.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(
                notInExtension(m.group(1), m.group(2))));
    }

    /** Runs {@code sql} and maps every row; {@code what} names the objects for the error message. */
    static <T> List<T> list(Connection conn, String what, String sql, RowMapper<T> mapper) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the " + what + " to dump: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query whose columns are (classid, objid, label, sql) and turns each row into an entry of
     * {@code kind}. A null classid makes an entry that owns no catalog object.
     */
    static List<DumpEntry> entries(Connection conn, EntryKind kind, String sql) {
        return list(conn, kind.plural(), sql, rs -> {
            long classId = rs.getLong(1);
            List<ObjectRef> owns = rs.wasNull() ? List.of() : List.of(new ObjectRef(classId, rs.getLong(2)));
            return new DumpEntry(kind, rs.getString(3), rs.getString(4), owns);
        });
    }
}
