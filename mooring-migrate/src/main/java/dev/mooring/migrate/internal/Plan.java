package dev.mooring.migrate.internal;

import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.ValidationIssue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The files and the history, reconciled: each migration's state, what a {@code migrate} would apply, and every
 * disagreement. Computed in memory from one read of the history, so {@code info}, {@code validate} and
 * {@code migrate} all agree. Immutable.
 */
public final class Plan {
    /** A migration known from its file, its history row, or both. */
    public record Entry(MigrationScript script, HistoryRow row, MigrationState state) {
        public MigrationInfo toInfo() {
            MigrationVersion version = script != null ? script.version() : row.version();
            return new MigrationInfo(version == null ? null : version.toString(),
                    script != null ? script.description() : row.description(),
                    script != null ? script.type() : row.type(), state,
                    script != null ? script.script() : row.script(),
                    script != null ? Long.valueOf(script.checksum()) : row.checksum(),
                    row == null || !(state == MigrationState.APPLIED || state == MigrationState.FAILED
                            || state == MigrationState.MISSING || state == MigrationState.BASELINE || state == MigrationState.OUTDATED)
                            ? null : row.appliedAt(),
                    row == null || state == MigrationState.PENDING ? null : row.executionMs(),
                    row == null || state == MigrationState.PENDING ? null : row.appliedBy());
        }
    }

    private final List<Entry> entries;
    private final List<MigrationScript> pending;
    private final List<ValidationIssue> issues;
    private final MigrationVersion current;
    private final HistoryRow baseline;

    private Plan(List<Entry> entries, List<MigrationScript> pending, List<ValidationIssue> issues,
                 MigrationVersion current, HistoryRow baseline) {
        this.entries = Collections.unmodifiableList(entries);
        this.pending = Collections.unmodifiableList(pending);
        this.issues = Collections.unmodifiableList(issues);
        this.current = current;
        this.baseline = baseline;
    }

    public static Plan of(List<MigrationScript> scripts, List<HistoryRow> history, MigrationVersion target, boolean outOfOrder) {
        Map<String, HistoryRow> latest = new LinkedHashMap<>();
        HistoryRow baseline = null;
        MigrationVersion current = null;
        for (HistoryRow row : history) {
            if (row.type() == MigrationType.BASELINE) {
                baseline = row;
            } else {
                HistoryRow previous = latest.get(row.key());
                // A success is never hidden by a later failed attempt of the same repeatable.
                if (previous == null || row.success() || !previous.success()) {
                    latest.remove(row.key());
                    latest.put(row.key(), row);
                }
            }
            if (row.success() && row.version() != null && (current == null || row.version().compareTo(current) > 0)) {
                current = row.version();
            }
        }
        MigrationVersion baselineVersion = baseline == null ? null : baseline.version();
        Map<String, MigrationScript> byKey = new LinkedHashMap<>();
        scripts.forEach(s -> byKey.put(s.key(), s));

        List<Entry> entries = new ArrayList<>();
        List<ValidationIssue> issues = new ArrayList<>();
        List<MigrationScript> pendingVersioned = new ArrayList<>();
        List<MigrationScript> pendingRepeatable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (baseline != null) {
            entries.add(new Entry(null, baseline, MigrationState.BASELINE));
        }
        for (Map.Entry<String, HistoryRow> e : latest.entrySet()) {
            HistoryRow row = e.getValue();
            MigrationScript script = byKey.get(e.getKey());
            seen.add(e.getKey());
            if (!row.success()) {
                entries.add(new Entry(script, row, MigrationState.FAILED));
                issues.add(new ValidationIssue(ValidationIssue.Kind.FAILED, versionText(row.version()), row.script(),
                        "Migration " + label(row.version(), row.script()) + " failed at " + row.appliedAt()
                                + " and was recorded as failed. Fix the database by hand, then run `repair` and migrate again."));
            } else if (script == null) {
                entries.add(new Entry(null, row, MigrationState.MISSING));
                issues.add(new ValidationIssue(ValidationIssue.Kind.MISSING_FILE, versionText(row.version()), row.script(),
                        "Migration " + label(row.version(), row.script())
                                + " was applied but its file is not in the locations. Restore the file, or check --locations."));
            } else if (!Objects.equals(row.checksum(), script.checksum())) {
                if (script.type() == MigrationType.REPEATABLE) {
                    entries.add(new Entry(script, row, MigrationState.OUTDATED));
                    pendingRepeatable.add(script);
                } else {
                    entries.add(new Entry(script, row, MigrationState.APPLIED));
                    issues.add(new ValidationIssue(ValidationIssue.Kind.CHECKSUM_MISMATCH, versionText(row.version()), script.script(),
                            "Migration " + label(row.version(), script.script()) + " in " + script.location()
                                    + " was changed after it was applied (checksum " + row.checksum() + " applied, "
                                    + script.checksum() + " now). Restore the file; if the edit was deliberate, run `repair`."));
                }
            } else {
                entries.add(new Entry(script, row, MigrationState.APPLIED));
            }
        }
        for (MigrationScript script : scripts) {
            if (seen.contains(script.key())) {
                continue;
            }
            if (script.type() == MigrationType.REPEATABLE) {
                entries.add(new Entry(script, null, MigrationState.PENDING));
                pendingRepeatable.add(script);
                continue;
            }
            MigrationState state;
            if (baselineVersion != null && script.version().compareTo(baselineVersion) <= 0) {
                state = MigrationState.BELOW_BASELINE;
            } else if (target != null && script.version().compareTo(target) > 0) {
                state = MigrationState.ABOVE_TARGET;
            } else if (current != null && script.version().compareTo(current) < 0) {
                state = MigrationState.OUT_OF_ORDER;
                if (outOfOrder) {
                    pendingVersioned.add(script);
                } else {
                    issues.add(new ValidationIssue(ValidationIssue.Kind.OUT_OF_ORDER, versionText(script.version()), script.script(),
                            "Migration " + label(script.version(), script.script()) + " is pending but older than the current version "
                                    + current + ". Give it a newer version, or apply it with --out-of-order."));
                }
            } else {
                state = MigrationState.PENDING;
                pendingVersioned.add(script);
            }
            entries.add(new Entry(script, null, state));
        }
        List<MigrationScript> pending = new ArrayList<>(pendingVersioned);
        pending.sort((a, b) -> a.version().compareTo(b.version()));
        pending.addAll(pendingRepeatable);
        return new Plan(entries, pending, issues, current, baseline);
    }

    private static String versionText(MigrationVersion v) {
        return v == null ? null : v.toString();
    }

    private static String label(MigrationVersion v, String script) {
        return (v == null ? "" : v + " ") + "(" + script + ")";
    }

    public List<Entry> entries() {
        return entries;
    }

    /** What {@code migrate} applies, in order: versioned by version, then changed repeatables. */
    public List<MigrationScript> pending() {
        return pending;
    }

    public List<ValidationIssue> issues() {
        return issues;
    }

    /** The highest applied version (a baseline counts), or {@code null}. */
    public MigrationVersion current() {
        return current;
    }

    public HistoryRow baseline() {
        return baseline;
    }
}
