package dev.mooring.backup.internal.postgres;

import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.core.sql.SqlSyntax;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The fixed parts of a dump script and the markers the restore engine looks for. The layout is a contract
 * with the restore side: header comments and session settings, the clean section between
 * {@link #CLEAN_BEGIN} and {@link #CLEAN_END}, pre-data, one COPY block per table, sequence values,
 * post-data, privileges, and {@link #COMPLETE} as the last line. {@link DumpAllowList} holds a restore to this
 * layout. Stateless; thread-safe.
 */
final class DumpScript {
    static final String CLEAN_BEGIN = "-- mooring:clean-begin";
    static final String CLEAN_END = "-- mooring:clean-end";
    static final String COMPLETE = "-- mooring:dump-complete";

    private static final String SETTINGS = """
            SET statement_timeout = 0;
            SET lock_timeout = 0;
            SET client_encoding = 'UTF8';
            SET standard_conforming_strings = on;
            SELECT pg_catalog.set_config('search_path', '', false);
            SET check_function_bodies = false;
            SET client_min_messages = warning;
            SET row_security = off;
            """;

    private DumpScript() {
    }

    /** The header's session settings, one statement each, in order: the only ones a restore accepts there. */
    static List<String> settings() {
        return SqlSplitter.split(SETTINGS, SqlSyntax.POSTGRESQL).stream().map(SqlStatement::sql).toList();
    }

    /** Header, settings, clean section and the pre-data statements. */
    static String preData(String database, String serverVersion, List<String> quotedSchemas, List<DumpEntry> entries) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("-- Mooring backup of database \"").append(database.replace("\n", " ")).append("\", PostgreSQL ")
                .append(serverVersion).append(", ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        sb.append("-- Restore with: psql -X -1 -v ON_ERROR_STOP=1 -f <this file> <database>\n\n");
        sb.append(SETTINGS).append('\n');
        sb.append(CLEAN_BEGIN).append('\n');
        for (String schema : quotedSchemas) {
            sb.append("DROP SCHEMA IF EXISTS ").append(schema).append(" CASCADE;\n");
        }
        sb.append(CLEAN_END).append("\n\n");
        appendEntries(sb, entries);
        return sb.toString();
    }

    /** Sequence values, post-data statements and the completion marker. */
    static String postData(List<String> sequenceValues, List<DumpEntry> entries) {
        StringBuilder sb = new StringBuilder(4096);
        for (String setval : sequenceValues) {
            sb.append(setval).append('\n');
        }
        sb.append('\n');
        appendEntries(sb, entries);
        return sb.append(COMPLETE).append('\n').toString();
    }

    private static void appendEntries(StringBuilder sb, List<DumpEntry> entries) {
        for (DumpEntry e : entries) {
            sb.append("-- ").append(e.label().replace('\n', ' ')).append('\n').append(e.sql()).append("\n\n");
        }
    }
}
