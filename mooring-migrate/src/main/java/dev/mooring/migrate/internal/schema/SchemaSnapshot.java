package dev.mooring.migrate.internal.schema;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.SchemaDifference;
import dev.mooring.migrate.SchemaDifference.Kind;
import dev.mooring.migrate.SchemaDifference.ObjectType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a database schema consists of — tables, columns, constraints, indexes, views, triggers and, on
 * PostgreSQL, sequences, types, functions and extensions — described so that two databases built by the
 * same migrations have <em>equal</em> snapshots: descriptions are normalized and hold no OIDs, sizes,
 * statistics, owners, privileges or data. {@link #compareTo(SchemaSnapshot)} lists how two snapshots differ;
 * that is the engine of the drift check.
 * <p>
 * What is left out: Mooring's bookkeeping schema {@code mooring} and triggers that call functions in it
 * (change capture), objects that belong to an extension, system schemas, the tables named as ignored, and
 * the position of columns within their table. Comparing snapshots taken from servers of different major
 * versions can report differences that are only in how the server prints a definition.
 * <p>
 * Immutable and thread-safe. {@link #read} uses its connection from the calling thread only and leaves its
 * session settings as it found them.
 */
public final class SchemaSnapshot {
    private record Key(ObjectType type, String name) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::type).thenComparing(Key::name);
    }

    private final String dialect;
    private final Map<Key, SchemaObject> objects;

    SchemaSnapshot(String dialect, Collection<SchemaObject> objects) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        TreeMap<Key, SchemaObject> byKey = new TreeMap<>(Key.ORDER);
        for (SchemaObject o : objects) {
            SchemaObject earlier = byKey.put(new Key(o.type(), o.name()), o);
            if (earlier != null) {
                throw new MooringException(ErrorCode.INTERNAL,
                        "Two schema objects read with the same name: " + earlier + " and " + o);
            }
        }
        this.objects = Collections.unmodifiableMap(byKey);
    }

    /**
     * Reads the schema of the database behind {@code connection}.
     *
     * @param connection    an open connection; it is not closed, and its session settings are restored
     * @param dialect       the database's dialect; PostgreSQL and SQLite are supported
     * @param ignoredTables tables to leave out, with everything that belongs to them (columns, indexes,
     *                      constraints, triggers, owned sequences); compared case-insensitively, either as
     *                      a plain name ({@code schema_version}, any schema) or qualified with its schema
     *                      ({@code app.schema_version})
     * @throws MooringException {@link ErrorCode#DATABASE} if the catalog cannot be read,
     *                          {@link ErrorCode#CONFIGURATION} for an unsupported dialect
     */
    public static SchemaSnapshot read(Connection connection, Dialect dialect, Set<String> ignoredTables) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(ignoredTables, "ignoredTables");
        Set<String> ignored = ignoredTables.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        String defaultSchema;
        List<SchemaObject> read;
        try {
            switch (dialect.name()) {
                case "postgresql" -> {
                    defaultSchema = "public";
                    read = PostgresSchemaReader.read(connection);
                }
                case "sqlite" -> {
                    defaultSchema = "main";
                    read = SqliteSchemaReader.read(connection);
                }
                default -> throw new MooringException(ErrorCode.CONFIGURATION,
                        "The drift check supports postgresql and sqlite, not " + dialect.name() + ".");
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE,
                    "Could not read the " + dialect.name() + " schema: " + e.getMessage(), e);
        }
        List<SchemaObject> kept = new ArrayList<>(read.size());
        for (SchemaObject o : read) {
            if (o.table() == null || !isIgnored(o.table(), ignored, defaultSchema)) {
                kept.add(o);
            }
        }
        return new SchemaSnapshot(dialect.name(), kept);
    }

    private static boolean isIgnored(String table, Set<String> ignored, String defaultSchema) {
        String name = table.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        // Tables in the default schema are named without it, so "public.schema_version" must match "schema_version".
        return ignored.contains(name) || ignored.contains(name.substring(dot + 1))
                || dot < 0 && ignored.contains(defaultSchema + "." + name);
    }

    /** The name of the dialect the snapshot was read with: {@code postgresql}, {@code sqlite}. */
    public String dialect() {
        return dialect;
    }

    /** Every object, ordered by type, then name. */
    public List<SchemaObject> objects() {
        return List.copyOf(objects.values());
    }

    /**
     * How {@code actual} (the live database) differs from this snapshot (the schema the migrations produce),
     * ordered by object type, then name. A table or view that is missing or unexpected as a whole is
     * reported once, not once more for each of its columns, constraints, indexes and triggers.
     *
     * @throws IllegalArgumentException if the snapshots were read with different dialects
     */
    public List<SchemaDifference> compareTo(SchemaSnapshot actual) {
        Objects.requireNonNull(actual, "actual");
        if (!dialect.equals(actual.dialect)) {
            throw new IllegalArgumentException("Cannot compare a " + dialect + " schema with a " + actual.dialect + " schema");
        }
        Set<String> missingRelations = relationsOnlyIn(this, actual);
        Set<String> unexpectedRelations = relationsOnlyIn(actual, this);
        TreeSet<Key> keys = new TreeSet<>(Key.ORDER);
        keys.addAll(objects.keySet());
        keys.addAll(actual.objects.keySet());
        List<SchemaDifference> differences = new ArrayList<>();
        for (Key key : keys) {
            SchemaObject e = objects.get(key);
            SchemaObject a = actual.objects.get(key);
            if (a == null) {
                if (!belongsTo(e, missingRelations)) {
                    differences.add(new SchemaDifference(key.type(), key.name(), Kind.MISSING, e.description(), null));
                }
            } else if (e == null) {
                if (!belongsTo(a, unexpectedRelations)) {
                    differences.add(new SchemaDifference(key.type(), key.name(), Kind.UNEXPECTED, null, a.description()));
                }
            } else if (!e.description().equals(a.description())) {
                differences.add(new SchemaDifference(key.type(), key.name(), Kind.CHANGED, e.description(), a.description()));
            }
        }
        return List.copyOf(differences);
    }

    private static Set<String> relationsOnlyIn(SchemaSnapshot one, SchemaSnapshot other) {
        Set<String> names = new HashSet<>();
        one.objects.forEach((key, o) -> {
            if (o.isRelation() && !other.objects.containsKey(key)) {
                names.add(o.name());
            }
        });
        return names;
    }

    private static boolean belongsTo(SchemaObject o, Set<String> relations) {
        return !o.isRelation() && o.table() != null && relations.contains(o.table());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SchemaSnapshot s && dialect.equals(s.dialect) && objects.equals(s.objects);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dialect, objects);
    }

    /** The dialect and one line per object, for test failures and debugging. */
    @Override
    public String toString() {
        return objects.values().stream()
                .map(o -> o.type().label() + " " + o.name() + ": " + o.description())
                .collect(Collectors.joining("\n  ", "SchemaSnapshot[" + dialect + "]\n  ", ""));
    }
}
