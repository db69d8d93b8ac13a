package dev.mooring.migrate;

import java.util.Locale;
import java.util.Objects;

/**
 * One problem {@code lint} found in a migration: a change that breaks clients still running an older version of
 * the application, or that loses data.
 *
 * @param rule     stable rule id, e.g. {@code drop-column}; safe to match on in scripts and suppression lists
 * @param severity how sure the problem is
 * @param script   the migration's file name
 * @param version  the migration's version; {@code null} for a repeatable migration
 * @param line     1-based line in {@code script} of the statement that causes it
 * @param message  names the problem and a safer way to make the change
 */
public record LintFinding(String rule, Severity severity, String script, String version, int line, String message) {

    /** How sure a finding is. */
    public enum Severity {
        /** The change may be fine; check it. */
        WARNING,
        /** The change breaks clients on older versions or loses data unless something outside the migration prevents it. */
        ERROR
    }

    public LintFinding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(message, "message");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, was " + line);
        }
    }

    /** {@code file:line: severity [rule] message}, the form the CLI prints. */
    @Override
    public String toString() {
        return script + ":" + line + ": " + severity.name().toLowerCase(Locale.ROOT) + " [" + rule + "] " + message;
    }
}
