package dev.mooring.migrate;

import java.util.List;

/** The result of {@code validate}: empty when files and history agree. */
public record ValidationReport(List<ValidationIssue> issues) {
    public ValidationReport {
        issues = List.copyOf(issues);
    }

    public boolean valid() {
        return issues.isEmpty();
    }
}
