package dev.mooring.server;

import dev.mooring.sync.Direction;
import dev.mooring.sync.DeletePolicy;
import dev.mooring.sync.ConflictPolicy;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link SyncConfig} from a YAML or JSON file (JSON is YAML, so one parser reads both):
 *
 * <pre>{@code
 * tables:
 *   - name: events              # owner column user_id, two-way, lww-column, update-wins
 *   - name: shares
 *     owner: owner_id
 *     conflict: manual          # lww-column | lww-row | server-wins | client-wins | manual
 *     manual-window: 2s
 *     delete: newest-wins       # update-wins | newest-wins | delete-wins
 *   - name: holidays
 *     public-read: true
 *   - name: reports
 *     direction: server-to-client
 *   - name: groups              # besides the owner, who sees and changes rows (see Sharing)
 *     read: id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user)
 *     update:
 *       where: id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND permission = 'edit')
 *       columns: [name, color]
 *     delete-rule: …            # who else may delete (default: only the owner)
 *     open-references: [shared_with_user_id]   # may name a row the writer cannot see
 *     subscribe-by: [id]        # a device may ask for only some rows, by these columns
 *     owned-references: [event_id]   # must name a row the writer owns
 * tombstone-retention: 90d      # s, m, h, d, ms, or ISO-8601 (PT5M)
 * max-clock-skew: 5m
 * alerts:                       # thresholds of the health alerts (see AlertSettings); each may be off
 *   pending-conflicts: 100
 *   failed-syncs-per-hour: 10
 *   conflict-rate: 5%           # or 0.05
 *   oldest-undelivered-change: 24h
 *   every: 1m
 *   webhook: https://alerts.example.com/mooring?token=…
 *   webhook-timeout: 5s
 *   server-name: sync-eu-1      # default: the host name
 * }</pre>
 *
 * Unknown keys are errors that name the key and the accepted ones. Stateless.
 */
public final class SyncConfigFile {
    private static final Set<String> TOP_KEYS = Set.of("tables", "tombstone-retention", "max-clock-skew", "alerts");
    private static final Set<String> TABLE_KEYS = Set.of("name", "owner", "public-read", "direction", "conflict",
            "delete", "manual-window", "read", "update", "delete-rule", "open-references", "subscribe-by", "owned-references");
    private static final Set<String> RULE_KEYS = Set.of("where", "columns");

    private SyncConfigFile() {
    }

    /** Reads {@code file}. */
    public static SyncConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no sync configuration at " + file
                    + ": check --config.", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses configuration text; {@code origin} names it in messages. */
    public static SyncConfig parse(String text, String origin) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + " is not valid YAML or JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + " must be a mapping with a 'tables' list.");
        }
        checkKeys(root, TOP_KEYS, origin);
        JsonNode tablesNode = root.path("tables");
        if (!tablesNode.isArray() || tablesNode.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + ": 'tables' must list at least one synced table,"
                    + " e.g. tables: [{name: events}].");
        }
        List<SyncedTable> tables = new ArrayList<>();
        for (JsonNode t : tablesNode) {
            tables.add(table(t, origin));
        }
        return new SyncConfig(tables,
                duration(root.get("tombstone-retention"), SyncConfig.DEFAULT_TOMBSTONE_RETENTION, "tombstone-retention", origin),
                duration(root.get("max-clock-skew"), SyncConfig.DEFAULT_MAX_CLOCK_SKEW, "max-clock-skew", origin),
                AlertsSection.parse(root.get("alerts"), origin));
    }

    private static SyncedTable table(JsonNode t, String origin) {
        if (t.isTextual()) {
            return SyncedTable.owned(t.asText());
        }
        if (!t.isObject() || !t.path("name").isTextual()) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + ": every entry of 'tables' needs a 'name'"
                    + " (got " + t + ").");
        }
        String name = t.get("name").asText();
        checkKeys(t, TABLE_KEYS, origin + ", table " + name);
        SyncedTable table = t.path("public-read").asBoolean(false) ? SyncedTable.publicRead(name) : SyncedTable.owned(name);
        if (t.has("owner")) {
            if (table.publicRead()) {
                throw new MooringException(ErrorCode.CONFIGURATION, origin + ", table " + name
                        + ": a public-read table has no owner; remove 'owner' or 'public-read'.");
            }
            table = table.withOwnerColumn(t.get("owner").asText());
        }
        if (t.has("direction")) {
            table = table.withDirection(Direction.parse(t.get("direction").asText()));
        }
        if (t.has("conflict")) {
            table = table.withConflictPolicy(ConflictPolicy.parse(t.get("conflict").asText()));
        }
        if (t.has("delete")) {
            table = table.withDeletePolicy(DeletePolicy.parse(t.get("delete").asText()));
        }
        table = table.withManualWindow(duration(t.get("manual-window"), table.manualWindow(), "manual-window", origin));
        String where = origin + ", table " + name;
        Sharing sharing = Sharing.NONE;
        if (t.has("read")) {
            sharing = sharing.withRead(ruleText(t.get("read"), "read", where), ruleColumns(t.get("read"), "read", where));
        }
        if (t.has("update")) {
            sharing = sharing.withUpdate(ruleText(t.get("update"), "update", where),
                    ruleColumns(t.get("update"), "update", where));
        }
        if (t.has("delete-rule")) {
            JsonNode rule = t.get("delete-rule");
            if (rule.isObject() && rule.has("columns")) {
                throw new MooringException(ErrorCode.CONFIGURATION, where + ": delete-rule takes no columns; a delete"
                        + " removes the whole row.");
            }
            sharing = sharing.withDelete(ruleText(rule, "delete-rule", where));
        }
        if (t.has("open-references")) {
            sharing = sharing.withOpenReferences(ruleColumns(Map.of("columns", t.get("open-references")),
                    "open-references", where));
        }
        if (t.has("owned-references")) {
            sharing = sharing.withOwnedReferences(ruleColumns(Map.of("columns", t.get("owned-references")),
                    "owned-references", where));
        }
        if (t.has("subscribe-by")) {
            sharing = sharing.withSubscribeBy(ruleColumns(Map.of("columns", t.get("subscribe-by")), "subscribe-by",
                    where));
        }
        try {
            return table.withSharing(sharing);
        } catch (MooringException e) {
            throw new MooringException(e.code(), where + ": " + e.getMessage(), e);
        }
    }

    /** A rule given as its text, or as {@code {where: text, columns: [...]}}. */
    private static String ruleText(JsonNode node, String key, String where) {
        JsonNode text = node.isObject() ? node.get("where") : node;
        if (node.isObject()) {
            checkKeys(node, RULE_KEYS, where + ", " + key);
        }
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new MooringException(ErrorCode.CONFIGURATION, where + ": '" + key + "' must be a condition such as"
                    + " \"id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user)\", or a mapping"
                    + " with 'where' (that condition) and 'columns' (a list); got " + node + ".");
        }
        return text.asText();
    }

    private static List<String> ruleColumns(Map<String, JsonNode> node, String key, String where) {
        return columnList(node.get("columns"), key, where);
    }

    private static List<String> ruleColumns(JsonNode node, String key, String where) {
        return columnList(node.isObject() ? node.get("columns") : null, key, where);
    }

    private static List<String> columnList(JsonNode columns, String key, String where) {
        if (columns == null || columns.isNull()) {
            return List.of();
        }
        if (!columns.isArray() || columns.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, where + ", " + key + ": 'columns' must be a list of"
                    + " column names, e.g. [id, display_name]; got " + columns + ".");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode column : columns) {
            if (!column.isTextual()) {
                throw new MooringException(ErrorCode.CONFIGURATION, where + ", " + key + ": column " + column
                        + " is not a name.");
            }
            names.add(column.asText());
        }
        return names;
    }

    static void checkKeys(JsonNode node, Set<String> accepted, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!accepted.contains(key)) {
                String hyphenated = key.replace('_', '-');
                throw new MooringException(ErrorCode.CONFIGURATION, where + ": unknown key '" + key + "'"
                        + (accepted.contains(hyphenated) ? " (keys are written with hyphens: '" + hyphenated + "')" : "")
                        + "; accepted: " + String.join(", ", accepted.stream().sorted().toList()) + ".");
            }
        }
    }

    /** {@code 90d}, {@code 5m}, {@code 1s}, {@code 500ms} or ISO-8601 ({@code PT5M}). */
    static Duration duration(JsonNode node, Duration fallback, String key, String origin) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        try {
            return Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + ": " + key + " " + e.getMessage() + ".", e);
        }
    }
}
