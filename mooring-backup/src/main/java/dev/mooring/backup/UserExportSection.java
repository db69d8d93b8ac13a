package dev.mooring.backup;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * More of one user's data, written into a {@link UserDataExport}'s document under a key of its own, after the owned
 * tables and in the same snapshot: the export calls it on the export's own connection, inside the read transaction
 * every other row was read in. Added with {@link UserDataExport#withSection}.
 */
@FunctionalInterface
public interface UserExportSection {
    /**
     * Writes the section's value, exactly one JSON value (an object of tables, typically), into {@code json}; the
     * export has written the key already. Read through {@code snapshot} and leave its transaction and settings as
     * they are; rows stream through a cursor there, so write them as they come rather than collecting them.
     *
     * @return rows written per table, in the order written
     */
    Map<String, Long> write(Connection snapshot, String userId, JsonGenerator json) throws SQLException, IOException;
}
