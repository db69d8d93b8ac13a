package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Orders pre-data entries so that every object is created after the objects it depends on, using
 * {@code pg_depend}. An object no entry creates itself (a column default, a view's rewrite rule, a table's
 * row type, an array type, an identity sequence, an extension member) is mapped to the entry that creates it
 * by following its internal, extension or automatic dependency upwards. A serial sequence's automatic
 * dependency on its column (ownership) is ignored: the ownership is restored after the tables. Among entries
 * whose dependencies are met, the order is by kind and then label, so the output is deterministic.
 * Not thread-safe; one instance per dump.
 */
final class DependencyOrder {
    private static final String DEPENDENCIES = """
            SELECT classid, objid, refclassid, refobjid, deptype FROM pg_catalog.pg_depend
            WHERE deptype IN ('n', 'a', 'i', 'e') AND classid <> 0 AND refclassid <> 0 AND objid >= 16384""";

    private final Map<ObjectRef, DumpEntry> creators = new HashMap<>();
    private final Map<ObjectRef, Dependency> owners = new HashMap<>();
    private final List<Dependency> dependencies;

    private DependencyOrder(Connection conn, List<DumpEntry> entries) {
        for (DumpEntry entry : entries) {
            for (ObjectRef ref : entry.owns()) {
                creators.put(ref, entry);
            }
        }
        dependencies = CatalogQuery.list(conn, "object dependencies", DEPENDENCIES, rs -> new Dependency(
                new ObjectRef(rs.getLong(1), rs.getLong(2)), new ObjectRef(rs.getLong(3), rs.getLong(4)),
                rs.getString(5).charAt(0)));
        for (Dependency d : dependencies) {
            // The strongest owner wins: internal, then extension, then automatic.
            Dependency current = owners.get(d.object);
            if (d.type != 'n' && (current == null || rank(d.type) < rank(current.type))) {
                owners.put(d.object, d);
            }
        }
    }

    /**
     * Sorts {@code entries} (all of them pre-data) into creation order; other entries (post-data) may be
     * passed in {@code others} so that dependencies on them are recognised and ignored.
     */
    static List<DumpEntry> sort(Connection conn, List<DumpEntry> entries, List<DumpEntry> others) {
        List<DumpEntry> all = new ArrayList<>(entries);
        all.addAll(others);
        return new DependencyOrder(conn, all).sorted(entries);
    }

    private List<DumpEntry> sorted(List<DumpEntry> entries) {
        Map<DumpEntry, Set<DumpEntry>> needs = new HashMap<>();
        Map<DumpEntry, List<DumpEntry>> neededBy = new HashMap<>();
        for (DumpEntry e : entries) {
            needs.put(e, new LinkedHashSet<>());
        }
        for (Dependency d : dependencies) {
            addEdge(d, needs, neededBy);
        }
        Comparator<DumpEntry> order = Comparator.comparing(DumpEntry::kind).thenComparing(DumpEntry::label);
        PriorityQueue<DumpEntry> ready = new PriorityQueue<>(order);
        needs.forEach((e, n) -> {
            if (n.isEmpty()) {
                ready.add(e);
            }
        });
        List<DumpEntry> result = new ArrayList<>(entries.size());
        while (!ready.isEmpty()) {
            DumpEntry next = ready.poll();
            result.add(next);
            for (DumpEntry waiting : neededBy.getOrDefault(next, List.of())) {
                Set<DumpEntry> remaining = needs.get(waiting);
                remaining.remove(next);
                if (remaining.isEmpty()) {
                    ready.add(waiting);
                }
            }
        }
        if (result.size() < entries.size()) {
            throw cycle(needs, result);
        }
        return result;
    }

    private void addEdge(Dependency d, Map<DumpEntry, Set<DumpEntry>> needs, Map<DumpEntry, List<DumpEntry>> neededBy) {
        if (d.type == 'e') {
            return;
        }
        DumpEntry dependent = creator(d.object);
        DumpEntry required = creator(d.referenced);
        if (dependent == null || required == null || dependent == required
                || !needs.containsKey(dependent) || !needs.containsKey(required)) {
            return;
        }
        // A sequence owned by a column depends on its table automatically, while the column's default needs
        // the sequence: the ownership is the edge to drop (ALTER SEQUENCE ... OWNED BY comes later).
        if (d.type == 'a' && dependent.kind() == EntryKind.SEQUENCE && creators.get(d.object) == dependent) {
            return;
        }
        if (needs.get(dependent).add(required)) {
            neededBy.computeIfAbsent(required, k -> new ArrayList<>()).add(dependent);
        }
    }

    private DumpEntry creator(ObjectRef ref) {
        ObjectRef current = ref;
        Set<ObjectRef> seen = new HashSet<>();
        while (current != null && seen.add(current)) {
            DumpEntry entry = creators.get(current);
            if (entry != null) {
                return entry;
            }
            Dependency owner = owners.get(current);
            current = owner == null ? null : owner.referenced;
        }
        return null;
    }

    private static int rank(char type) {
        return type == 'i' ? 0 : type == 'e' ? 1 : 2;
    }

    private static MooringException cycle(Map<DumpEntry, Set<DumpEntry>> needs, List<DumpEntry> done) {
        Set<String> stuck = new TreeSet<>();
        Set<DumpEntry> placed = new HashSet<>(done);
        needs.forEach((e, n) -> {
            if (!placed.contains(e)) {
                stuck.add(e.label());
            }
        });
        return new MooringException(ErrorCode.DATABASE, "Cannot order the schema for the dump: these objects depend on "
                + "each other in a cycle (or on an object in that cycle): " + String.join(", ", stuck));
    }

    private record Dependency(ObjectRef object, ObjectRef referenced, char type) {
    }
}
