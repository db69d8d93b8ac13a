package dev.mooring.server;

/**
 * Something the server runs beside sync whose state belongs in its health report ({@code GET /v1/health}), such as a
 * backup schedule. Called for each health request, on the request's thread: it must be quick and thread-safe.
 */
@FunctionalInterface
public interface HealthCheck {

    /** The state now. */
    Result check();

    /**
     * One check's state.
     *
     * @param healthy whether it is doing its job
     * @param summary one line for a person, such as {@code ok, last backup 2026-12-06T03:00:00Z}
     * @param detail  the figures, serialised as JSON (a record or a map); may be {@code null}
     */
    record Result(boolean healthy, String summary, Object detail) {
        public Result {
            java.util.Objects.requireNonNull(summary, "summary");
        }
    }
}
