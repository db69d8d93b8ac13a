package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a data package holds and where it was cut, as it travels inside the package file ({@link PackageFile}).
 * Immutable; {@link #withData} fills in the data section's size and digest once it is written.
 *
 * @param id                  the package's id (a uuid): what {@code GET /v1/packages/{id}} downloads
 * @param type                the package's name, e.g. {@code maps}: packages of one type replace each other
 * @param version             increases with every package of this type the server cuts
 * @param createdAt           when it was cut
 * @param user                the user whose rows it holds; {@code null} for a shared package (public-read tables only)
 * @param where               the extra SQL filter it was cut with; {@code null} for none (then it holds every row the
 *                            user may pull from its tables)
 * @param watermark           the pull cursor that follows the package: every change the package may lack comes after
 *                            it in the feed
 * @param schemaVersion       the server's application schema version when it was cut; {@code null} when unknown
 * @param clientSchemaVersion the oldest client schema version the package is meant for; {@code null} for any
 * @param dataSha256          the SHA-256 (lower-case hex) of the package's SQLite data
 * @param dataSize            the size of that data in bytes
 * @param tables              each table it holds
 */
public record PackageManifest(String id, String type, long version, Instant createdAt, String user, String where,
                              String watermark, String schemaVersion, String clientSchemaVersion, String dataSha256,
                              long dataSize, List<Table> tables) {
    /** The version of the manifest's layout, written into every manifest as {@code format}. */
    public static final int FORMAT = 1;

    /**
     * One table of a package.
     *
     * @param name        the synced table, as clients name it
     * @param ownerColumn the column holding the owning user's id; {@code null} for a public-read table
     * @param columns     the server's synced columns in the package's order ({@code id} first)
     * @param rows        how many rows it holds, tombstones included
     * @param deleted     how many of them are tombstones ({@code deleted_at} set)
     * @param sha256      the digest of its rows in canonical form ({@link PackageDigest})
     */
    public record Table(String name, String ownerColumn, List<String> columns, long rows, long deleted, String sha256) {
        public Table {
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public PackageManifest {
        // the id names files on the devices that import it: nothing but a canonical uuid may pass
        if (!Objects.requireNonNull(id, "id").equals(canonicalUuid(id))) {
            throw new IllegalArgumentException("package id '" + id + "' is not a lower-case uuid");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(watermark, "watermark");
        tables = List.copyOf(tables);
    }

    /** Whether it is a shared package: public-read tables only, for every user. */
    public boolean shared() {
        return user == null;
    }

    /** The table of that name, if the package holds it. */
    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The table names in package order. */
    public List<String> tableNames() {
        return tables.stream().map(Table::name).toList();
    }

    public PackageManifest withData(String sha256, long size) {
        return new PackageManifest(id, type, version, createdAt, user, where, watermark, schemaVersion,
                clientSchemaVersion, sha256, size, tables);
    }

    /** The manifest as JSON, fields in a fixed order. */
    public byte[] toJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("id", id);
        root.put("type", type);
        root.put("version", version);
        root.put("createdAt", createdAt.toString());
        root.put("user", user);
        root.put("shared", shared());
        root.put("where", where);
        root.put("watermark", watermark);
        root.put("schemaVersion", schemaVersion);
        root.put("clientSchemaVersion", clientSchemaVersion);
        root.put("dataSha256", dataSha256);
        root.put("dataSize", dataSize);
        ArrayNode list = root.putArray("tables");
        for (Table t : tables) {
            ObjectNode table = list.addObject();
            table.put("name", t.name());
            table.put("ownerColumn", t.ownerColumn());
            t.columns().forEach(table.putArray("columns")::add);
            table.put("rows", t.rows());
            table.put("deleted", t.deleted());
            table.put("sha256", t.sha256());
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /**
     * Reads a manifest written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong, or when the text is not JSON
     */
    public static PackageManifest fromJson(ObjectMapper json, byte[] bytes) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("the manifest is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the manifest is not a JSON object");
        }
        if (root.path("format").asInt(-1) != FORMAT) {
            throw new IllegalArgumentException("the manifest has format " + root.path("format") + "; this version of"
                    + " Mooring reads format " + FORMAT);
        }
        List<Table> tables = new ArrayList<>();
        for (JsonNode t : array(root, "tables")) {
            List<String> columns = new ArrayList<>();
            array(t, "columns").forEach(c -> columns.add(c.asText()));
            tables.add(new Table(text(t, "name"), optional(t, "ownerColumn"), columns, number(t, "rows"),
                    number(t, "deleted"), text(t, "sha256")));
        }
        Instant created;
        try {
            created = Instant.parse(text(root, "createdAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("manifest field 'createdAt' is not an ISO-8601 instant", e);
        }
        return new PackageManifest(text(root, "id"), text(root, "type"), number(root, "version"), created,
                optional(root, "user"), optional(root, "where"), text(root, "watermark"), optional(root, "schemaVersion"),
                optional(root, "clientSchemaVersion"), text(root, "dataSha256"), number(root, "dataSize"), tables);
    }

    private static String canonicalUuid(String text) {
        try {
            return UUID.fromString(text).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("manifest field '" + field + "' is missing or not text");
        }
        return value.textValue();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(node, field);
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new IllegalArgumentException("manifest field '" + field + "' is missing or not a number of 0 or more");
        }
        return value.longValue();
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("manifest field '" + field + "' is missing or not a list");
        }
        return value;
    }
}
