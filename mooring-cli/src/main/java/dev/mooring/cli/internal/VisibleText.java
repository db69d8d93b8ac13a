package dev.mooring.cli.internal;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Text as a terminal shows it, never as commands to the terminal: control characters that Mooring echoes back from
 * its input (a file name, a table name, a value quoted in an error) are written as <code>&#92;u001b</code> and the
 * like, so an escape sequence in a name cannot recolour, clear or retitle the terminal, and a carriage return or a
 * right-to-left override cannot make a line read differently from what it says. Line feeds and tabs stay.
 * Stateless.
 */
public final class VisibleText {
    private VisibleText() {
    }

    /**
     * Whether {@code c} is shown escaped: C0 controls other than line feed and tab, DEL, C1 controls, and the
     * Unicode marks that reorder text (bidirectional embeddings, overrides and isolates).
     */
    static boolean isUnsafe(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                || c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** {@code text} with every {@linkplain #isUnsafe unsafe} character written as <code>&#92;u</code> and 4 hex digits. */
    public static String escape(String text) {
        return text == null ? null : escape(text, false);
    }

    private static String escape(String text, boolean keepCarriageReturns) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escaped = isUnsafe(c) && !(keepCarriageReturns && c == '\r');
            if (escaped && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A writer that escapes everything written through it, the backstop for text that reaches standard output or
     * standard error without {@link Output}: picocli's own messages, progress lines. Carriage returns pass, because
     * a progress bar redraws its line with them; {@link Output#text} escapes those in the text it prints.
     */
    public static final class Filter extends FilterWriter {
        public Filter(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            write(String.valueOf((char) c));
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            write(new String(chars, offset, length));
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            String escaped = escape(text.substring(offset, offset + length), true);
            out.write(escaped, 0, escaped.length());
        }
    }
}
