package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PullResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a page of the feed as the JSON of a {@link PullResponse}, passing each change's values through as the JSON
 * text PostgreSQL produced instead of parsing and re-serializing them: the same document, a fraction of the work.
 * {@code SyncServerHttpTest} reads it back with the strict protocol mapper. Stateless.
 */
public final class PullWriter {
    private PullWriter() {
    }

    public static byte[] write(ObjectMapper json, ChangeFeed.Page page, Hlc serverTime) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.changes().size() * 256);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("changes");
            for (ChangeFeed.FeedRow row : page.changes()) {
                g.writeStartObject();
                g.writeNumberField("seq", row.seq());
                g.writeStringField("table", row.table());
                g.writeStringField("id", row.id());
                g.writeStringField("op", row.op().wireName());
                g.writeFieldName("values");
                g.writeRawValue(row.valuesJson());
                g.writeStringField("hlc", row.hlc());
                g.writeStringField("originNode", row.originNode());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("nextCursor", page.next().encode());
            g.writeBooleanField("hasMore", page.hasMore());
            g.writeBooleanField("bootstrap", page.bootstrap());
            g.writeStringField("serverTime", serverTime.toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
