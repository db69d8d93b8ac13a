package dev.mooring.migrate.internal;

import dev.mooring.core.spi.Dialect;
import dev.mooring.migrate.LintFinding;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.internal.lint.LintInput;
import dev.mooring.migrate.internal.lint.Linter;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Lints migrations in order. Every versioned migration is read, so column types are known from the migrations that
 * created them, but findings are kept only for the migrations {@code report} selects. Stateless.
 */
public final class LintRun {
    private LintRun() {
    }

    /** Findings for the versioned migrations newer than {@code since} ({@code null}: all). */
    public static List<LintFinding> files(MigrationConfig config, Dialect dialect, MigrationVersion since) {
        List<MigrationScript> scripts = MigrationScanner.scan(config.locations(), config.classLoader()).migrations();
        return lint(scripts, dialect, m -> since == null || m.version().compareTo(since) > 0);
    }

    /** Findings for the migrations whose keys are in {@code pendingKeys}. */
    static List<LintFinding> selected(List<MigrationScript> scripts, Dialect dialect, Set<String> pendingKeys) {
        return lint(scripts, dialect, m -> pendingKeys.contains(m.key()));
    }

    private static List<LintFinding> lint(List<MigrationScript> scripts, Dialect dialect, Predicate<MigrationScript> report) {
        List<MigrationScript> versioned = scripts.stream().filter(m -> m.type() == MigrationType.VERSIONED).toList();
        Set<String> reported = versioned.stream().filter(report).map(MigrationScript::script).collect(java.util.stream.Collectors.toSet());
        List<LintInput> inputs = versioned.stream()
                .map(m -> new LintInput(m.script(), m.version().toString(), dialect.syntax(), m.up(), m.upLine()))
                .toList();
        return Linter.lint(inputs).stream().filter(f -> reported.contains(f.script())).toList();
    }
}
