package dev.mooring.backup.internal.postgres;

/**
 * Hears how a {@link PsqlScriptRunner} advances through a script, to draw a progress bar. Called on the thread
 * that runs the script, after each statement and after each chunk of {@code COPY} data (at most every few
 * hundred KiB), so an implementation should be quick; it need not be thread-safe unless it shares state.
 */
@FunctionalInterface
public interface ScriptProgress {
    /** Hears nothing. */
    ScriptProgress NONE = (bytesRead, rowsCopied) -> {
    };

    /**
     * Totals so far, never decreasing.
     *
     * @param bytesRead  bytes of the script read from its stream (compare with the script's size)
     * @param rowsCopied data rows sent by {@code COPY} blocks, over all tables
     */
    void progressed(long bytesRead, long rowsCopied);
}
