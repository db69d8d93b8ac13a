package dev.mooring.backup.internal.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.mooring.backup.UserExportResult;
import dev.mooring.backup.UserExportSection;
import dev.mooring.core.Dialects;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One user data export: opens a connection, starts the snapshot, reads the catalog, plans the queries and streams
 * every selected row into a {@link JsonGenerator}, then lets each section write its key. The whole export, catalog
 * and sections included, reads one snapshot, so the document is consistent even while the application writes. Use
 * once, from one thread.
 */
public final class ExportRun {
    /** Rows PostgreSQL sends per round trip: a cursor keeps large tables out of memory. */
    private static final int FETCH_SIZE = 500;

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final String ownerColumn;
    private final Map<String, UserExportSection> sections;
    private final String userId;

    private ExportRun(String ownerColumn, Map<String, UserExportSection> sections, String userId) {
        this.ownerColumn = ownerColumn;
        this.sections = sections;
        this.userId = userId;
    }

    /** Exports {@code userId}'s data to {@code out} as UTF-8; flushes and leaves {@code out} open. */
    public static UserExportResult toStream(DataSource dataSource, String ownerColumn,
                                            Map<String, UserExportSection> sections, String userId, OutputStream out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            return new ExportRun(ownerColumn, sections, userId).run(dataSource, json);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the export: " + e.getMessage(), e);
        }
    }

    /** Exports {@code userId}'s data to {@code out}; flushes and leaves {@code out} open. */
    public static UserExportResult toWriter(DataSource dataSource, String ownerColumn,
                                            Map<String, UserExportSection> sections, String userId, Writer out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            return new ExportRun(ownerColumn, sections, userId).run(dataSource, json);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the export: " + e.getMessage(), e);
        }
    }

    private UserExportResult run(DataSource dataSource, JsonGenerator json) throws IOException {
        json.useDefaultPrettyPrinter();
        try (Connection connection = connect(dataSource)) {
            Dialect dialect = Dialects.of(connection);
            Snapshot snapshot = Snapshot.begin(connection, dialect);
            try {
                return export(connection, dialect, json);
            } finally {
                snapshot.end();
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "The user data export failed: " + e.getMessage(), e);
        }
    }

    private static Connection connect(DataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not connect to the database: " + e.getMessage(), e);
        }
    }

    private UserExportResult export(Connection connection, Dialect dialect, JsonGenerator json)
            throws SQLException, IOException {
        boolean postgres = dialect.name().equals("postgresql");
        SchemaModel model = postgres ? PostgresCatalog.read(connection) : SqliteCatalog.read(connection);
        OwnerColumnCheck.require(model, ownerColumn);
        Map<Table, Predicate> queries = new SelectionPlan(model, ownerColumn, postgres, dialect::quote).queries();
        ValueWriter values = postgres ? new PostgresValueWriter() : new SqliteValueWriter();

        json.writeStartObject();
        json.writeStringField("userId", userId);
        json.writeStringField("ownerColumn", ownerColumn);
        json.writeStringField("exportedAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        json.writeStringField("database", dialect.name());
        json.writeObjectFieldStart("tables");
        Map<String, Long> rows = new LinkedHashMap<>();
        for (Map.Entry<Table, Predicate> query : queries.entrySet()) {
            json.writeArrayFieldStart(query.getKey().ref().key());
            rows.put(query.getKey().ref().key(), writeRows(connection, query.getKey(), query.getValue(), values, json));
            json.writeEndArray();
        }
        json.writeEndObject();
        Map<String, Map<String, Long>> sectionRows = new LinkedHashMap<>();
        for (Map.Entry<String, UserExportSection> section : sections.entrySet()) {
            json.writeFieldName(section.getKey());
            Map<String, Long> written = section.getValue().write(connection, userId, json);
            sectionRows.put(section.getKey(), written == null ? Map.of() : written);
        }
        json.writeEndObject();
        json.flush();
        return new UserExportResult(userId, ownerColumn, rows, sectionRows);
    }

    private long writeRows(Connection connection, Table table, Predicate query, ValueWriter values, JsonGenerator json)
            throws SQLException, IOException {
        try (PreparedStatement ps = connection.prepareStatement(query.sql())) {
            ps.setFetchSize(FETCH_SIZE);
            for (int i = 1; i <= query.params(); i++) {
                ps.setString(i, userId);
            }
            long count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    json.writeStartObject();
                    for (int i = 0; i < table.columns().size(); i++) {
                        json.writeFieldName(table.columns().get(i).name());
                        values.write(json, rs, i + 1, table.columns().get(i));
                    }
                    json.writeEndObject();
                    count++;
                }
            }
            return count;
        }
    }
}
