package dev.mooring.migrate;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.List;
import java.util.stream.Collectors;

/** The files and the history disagree, so Mooring refuses to migrate. Carries every issue found. */
public class ValidationFailedException extends MooringException {
    private static final long serialVersionUID = 1L;

    private final transient List<ValidationIssue> issues;

    public ValidationFailedException(List<ValidationIssue> issues) {
        super(ErrorCode.VALIDATION_FAILED, "Validation failed:\n" + issues.stream()
                .map(i -> "  - " + i.message()).collect(Collectors.joining("\n")));
        this.issues = List.copyOf(issues);
    }

    public List<ValidationIssue> issues() {
        return issues;
    }
}
