package dev.mooring.migrate;

/**
 * One reason the files and the history disagree.
 *
 * @param kind    what is wrong
 * @param version the version concerned ({@code null} for repeatables)
 * @param script  the file concerned
 * @param message a sentence that names the problem and the fix
 */
public record ValidationIssue(Kind kind, String version, String script, String message) {
    /** The kinds of disagreement. */
    public enum Kind {
        /** An applied migration's file was edited afterwards. */
        CHECKSUM_MISMATCH,
        /** An applied migration's file is gone. */
        MISSING_FILE,
        /** A pending migration is older than the latest applied one. */
        OUT_OF_ORDER,
        /** A migration failed earlier and was recorded as failed. */
        FAILED
    }
}
