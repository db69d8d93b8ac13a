package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.migrate.LintFinding;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mooring lint}: find migrations that break older clients or lose data. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Warn about migrations that break clients still on an older version or lose data: DROP or RENAME of "
                + "a column or table, ADD COLUMN NOT NULL without DEFAULT, type narrowing, TRUNCATE, DELETE without WHERE.",
                "With a database (--url or $DATABASE_URL) only its pending migrations are checked; without one, every file "
                        + "(or those newer than --since) in the --dialect given.",
                "Exits with code 11 when a finding is an error (or any finding, with --strict)."})
public final class LintCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--dialect", description = "postgresql or sqlite: lint the files without a database.")
    String dialect;

    @Option(names = "--since", paramLabel = "VERSION", description = "Without a database: only migrations newer than this.")
    String since;

    @Option(names = "--strict", description = "Fail on warnings too.")
    boolean strict;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean offline = dialect != null || (db.url == null && System.getenv("DATABASE_URL") == null);
        List<LintFinding> findings;
        String scope;
        if (offline) {
            String d = dialect != null ? dialect : "postgresql";
            findings = Migrator.lintFiles(db.config(), d, since);
            scope = "migration files (" + d + (since == null ? "" : ", newer than " + since) + ")";
        } else {
            DatabaseUrl url = db.databaseUrl(System.getenv());
            findings = Migrator.create(db.existingDatabase(url), db.config()).lintPending();
            scope = "pending migrations of " + url.redacted();
        }
        boolean fail = findings.stream().anyMatch(f -> strict || f.severity() == LintFinding.Severity.ERROR);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scope", scope);
            doc.put("findings", findings);
            Output.json(out, doc);
        } else {
            StringBuilder text = new StringBuilder("Lint of " + scope + ": " + (findings.isEmpty() ? "no findings" : findings.size() + " finding(s)"));
            findings.forEach(f -> text.append("\n  ").append(f));
            Output.text(out, text.toString());
        }
        return fail ? ErrorCode.LINT_WARNINGS.exitCode() : 0;
    }
}
