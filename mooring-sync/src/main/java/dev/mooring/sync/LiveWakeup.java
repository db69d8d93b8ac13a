package dev.mooring.sync;

/**
 * The answer to a live client's wait ({@code GET /v1/changes/wait}): whether a change it may see can be pulled now.
 * Immutable.
 *
 * @param changes {@code true}: sync now; {@code false}: the wait ran out (or the server is stopping) with nothing new
 */
public record LiveWakeup(boolean changes) {
}
