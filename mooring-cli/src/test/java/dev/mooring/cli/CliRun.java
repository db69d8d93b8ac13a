package dev.mooring.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The outcome of one in-process {@code mooring} run. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MooringCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * Runs a command line exactly as Mooring printed it for a person to copy: it must start with the program
     * ({@code mooring} in process) and its words are split as a POSIX shell splits them (plain words and
     * single-quoted strings, which is all Mooring prints).
     */
    static CliRun asPrinted(String commandLine) {
        List<String> words = words(commandLine.strip());
        assertThat(words).as(commandLine).isNotEmpty();
        assertThat(words.get(0)).as(commandLine).isEqualTo("mooring");
        return of(words.subList(1, words.size()).toArray(String[]::new));
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                assertThat(end).as("unbalanced quote in " + line).isPositive();
                word = word == null ? new StringBuilder() : word;
                word.append(line, i + 1, end);
                i = end;
            } else if (c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                assertThat("\"\\$`*?;&|<>()".indexOf(c)).as("shell-special '" + c + "' unquoted in " + line).isNegative();
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
