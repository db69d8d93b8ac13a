package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a recovered server to show it works: every database that allows connections, the row count of each of its
 * tables, and the last applied migration where a history table exists. Identifiers are quoted by the server
 * ({@code format('%I.%I')}), never by hand. Single use.
 */
public final class RestoredDatabases {
    /** Row counts per database, and schema versions per database that has a history table. */
    public record Summary(Map<String, Map<String, Long>> tables, Map<String, String> schemaVersions) {
    }

    private RestoredDatabases() {
    }

    public static Summary read(RecoveryServer server, String user, String password, String historyTable) {
        Map<String, Map<String, Long>> tables = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        try {
            for (String database : databases(server, user, password)) {
                try (Connection c = server.connect(database, user, password)) {
                    tables.put(database, rowCounts(c));
                    Migrator.appliedVersion(c, historyTable).ifPresent(v -> versions.put(database, v));
                }
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "the recovered server started, but reading it failed: "
                    + e.getMessage(), e);
        }
        return new Summary(tables, versions);
    }

    private static List<String> databases(RecoveryServer server, String user, String password) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = server.connect("postgres", user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate"
                     + " ORDER BY datname")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static Map<String, Long> rowCounts(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                     + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                     + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                     + " AND NOT c.relispartition ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : names) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }
}
