package dev.mooring.backup.internal;

/**
 * How messages quote a statement read from a backup: its first {@value #HEAD_LENGTH} characters on one line, with
 * every control or format character (ESC, NUL, bidi overrides, …) written as a Java-style escape (a backslash,
 * {@code u} and four hex digits), so that a hostile file cannot rewrite the terminal or log showing the message.
 * Stateless; thread-safe.
 */
public final class StatementText {
    /** How many characters of a statement a message shows. */
    public static final int HEAD_LENGTH = 120;

    private StatementText() {
    }

    /** {@link #head} made {@link #printable}: how a message quotes a statement from a backup. */
    public static String quoted(String sql) {
        return printable(head(sql));
    }

    /** The first {@value #HEAD_LENGTH} characters of {@code sql}, white space runs (line breaks too) made one space. */
    public static String head(String sql) {
        // Flatten only a prefix: the statement may be a multi-megabyte INSERT.
        boolean cut = sql.length() > 4 * HEAD_LENGTH;
        String flat = oneLine(cut ? sql.substring(0, 4 * HEAD_LENGTH) : sql);
        return flat.length() <= HEAD_LENGTH && !cut
                ? flat : flat.substring(0, Math.min(HEAD_LENGTH, flat.length())) + "…";
    }

    /** {@code text} with every control, format, separator, unassigned or private-use character escaped. */
    public static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** {@code text} stripped, white space runs made one space. */
    public static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
