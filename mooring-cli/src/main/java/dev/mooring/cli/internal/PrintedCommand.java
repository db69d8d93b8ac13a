package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;

import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command line Mooring prints for a person to copy and run: it starts with the program as this process was run
 * ({@code ./mooring} from the launcher script, {@code java -jar …/mooring.jar}, else {@code mooring}) and quotes
 * every word a POSIX shell would otherwise split or expand, so it runs as printed in the same folder. It never
 * holds a password (see {@link #url(DatabaseUrl)}). Stateless.
 */
public final class PrintedCommand {
    /** Set by the {@code mooring} launcher script to how it was called. */
    static final String PROGRAM_PROPERTY = "mooring.program";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private PrintedCommand() {
    }

    /** The command line for {@code args}, each quoted as needed, after the program. */
    public static String of(String... args) {
        return of(List.of(args));
    }

    /** As {@link #of(String...)}. */
    public static String of(List<String> args) {
        StringBuilder line = new StringBuilder(program());
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        return line.toString();
    }

    /** How to start this program again from the current folder. */
    static String program() {
        String launcher = System.getProperty(PROGRAM_PROPERTY);
        if (launcher != null && !launcher.isBlank()) {
            return quote(launcher);
        }
        try {
            Path jar = Path.of(PrintedCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar) && jar.getFileName().toString().endsWith(".jar")) {
                return "java -jar " + quote(jar.toString());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source to name (an embedding application): the plain name below is the best guess
        }
        return "mooring";
    }

    /**
     * {@code word} as a shell reads it back unchanged: plain when safe, else in single quotes; control characters,
     * which single quotes would keep raw, are written as {@code $'\xHH'} so the line stays printable.
     */
    static String quote(String word) {
        if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
            return word;
        }
        StringBuilder quoted = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c != '\'' && !VisibleText.isUnsafe(c)) {
                plain.append(c);
                continue;
            }
            closeQuotes(quoted, plain);
            quoted.append(c == '\'' ? "\\'" : c < 0x100 ? String.format("$'\\x%02x'", (int) c)
                    : String.format("$'\\u%04x'", (int) c));
        }
        closeQuotes(quoted, plain);
        return quoted.isEmpty() ? "''" : quoted.toString();
    }

    private static void closeQuotes(StringBuilder quoted, StringBuilder plain) {
        if (!plain.isEmpty()) {
            quoted.append('\'').append(plain).append('\'');
            plain.setLength(0);
        }
    }

    /**
     * {@code url} as a {@code --url} value for a printed command: a {@code postgresql://user@host/db} URL without the
     * password (the command reads it from {@code $MOORING_PASSWORD}, as this one did), or the SQLite file.
     */
    static String url(DatabaseUrl url) {
        Path sqlite = url.sqliteFile();
        if (sqlite != null) {
            return sqlite.toString();
        }
        String jdbc = url.jdbcUrl();
        if (!jdbc.startsWith("jdbc:postgresql://")) {
            return jdbc;
        }
        String user = url.user() == null ? "" : URLEncoder.encode(url.user(), StandardCharsets.UTF_8) + "@";
        return "postgresql://" + user + jdbc.substring("jdbc:postgresql://".length());
    }
}
