package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON settings of the sync protocol. Strict on input, so that a typo in a field name or a missing number is an
 * error rather than a silently wrong change: unknown fields, JSON null for numbers and booleans, and trailing
 * content are rejected. On output, null fields (a missing reason or message) are left out; JSON null values of
 * columns are kept. The wire records also work with a plain {@link ObjectMapper}, only less strictly.
 */
public final class SyncJson {
    private SyncJson() {
    }

    /** A new mapper with the protocol settings; configure it further as needed, it is not shared. */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Content ALWAYS: leaving out null fields must not leave out a column set to null.
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.ALWAYS))
                .build();
    }
}
