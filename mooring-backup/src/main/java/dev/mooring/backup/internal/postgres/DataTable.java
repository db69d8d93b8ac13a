package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.util.List;

/**
 * A table whose rows a dump copies: every ordinary table and leaf partition of the dumped schemas (a
 * partitioned table holds no rows itself; a materialized view is refreshed, not copied).
 *
 * @param name          {@code schema.table}, unquoted, as summaries name it
 * @param qualified     the quoted, schema-qualified name
 * @param columns       the quoted names of the stored columns (generated ones are computed on restore), or ""
 * @param hasChildren   whether inheritance children exist, whose rows must not be copied with this table's
 * @param estimatedRows the planner's row estimate
 * @param bytes         the table's size on disk
 */
record DataTable(String name, String qualified, String columns, boolean hasChildren, long estimatedRows, long bytes) {
    private static final String TABLES = """
            SELECT n.nspname || '.' || c.relname, c.oid::pg_catalog.regclass::text,
              coalesce((SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), ''),
              c.relhassubclass, GREATEST(c.reltuples, 0)::bigint, pg_catalog.pg_relation_size(c.oid)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND $schema AND $notext
            ORDER BY 6 DESC, 1""";

    /** The tables whose rows a dump holds, largest first. */
    static List<DataTable> list(Connection conn) {
        return CatalogQuery.list(conn, "tables", PreDataCatalog.sql(TABLES, "pg_class", "c.oid"), rs -> new DataTable(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5), rs.getLong(6)));
    }

    /** The statement that reads the rows. */
    String copyOut() {
        if (hasChildren) {
            return "COPY (SELECT " + columns + " FROM ONLY " + qualified + ") TO STDOUT";
        }
        return "COPY " + qualified + columnList() + " TO STDOUT";
    }

    /** The statement that restores the rows, as the script spells it. */
    String copyIn() {
        return "COPY " + qualified + columnList() + " FROM stdin;\n";
    }

    private String columnList() {
        return columns.isEmpty() ? "" : " (" + columns + ")";
    }
}
