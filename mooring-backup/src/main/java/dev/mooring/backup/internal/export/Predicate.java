package dev.mooring.backup.internal.export;

import java.util.List;

/**
 * A SQL boolean expression with {@code params} placeholders, each of which is bound to the user id.
 */
record Predicate(String sql, int params) {
    /** The disjunction of {@code parts}: a row matches when any path reaches it. */
    static Predicate or(List<Predicate> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        StringBuilder sql = new StringBuilder();
        int params = 0;
        for (Predicate p : parts) {
            sql.append(sql.length() == 0 ? "(" : " OR ").append('(').append(p.sql).append(')');
            params += p.params;
        }
        return new Predicate(sql.append(')').toString(), params);
    }
}
