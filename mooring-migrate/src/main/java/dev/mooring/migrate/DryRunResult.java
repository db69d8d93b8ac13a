package dev.mooring.migrate;

import java.util.List;

/** What {@code migrate --dry-run} would do; nothing was changed. */
public record DryRunResult(String dialect, String fromVersion, String toVersion, List<PlannedMigration> migrations) {
    public DryRunResult {
        migrations = List.copyOf(migrations);
    }

    /** The whole run as one SQL script, with a comment before each migration. */
    public String sql() {
        StringBuilder out = new StringBuilder();
        for (PlannedMigration m : migrations) {
            out.append("-- ").append(m.script()).append(m.transactional() ? "" : " (no transaction)").append('\n');
            if (m.transactional()) {
                out.append("BEGIN;\n");
            }
            for (String s : m.statements()) {
                out.append(s).append(";\n");
            }
            if (m.transactional()) {
                out.append("COMMIT;\n");
            }
            out.append('\n');
        }
        return out.toString();
    }
}
