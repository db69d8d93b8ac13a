package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Names and values Mooring echoes back reach the terminal as text, never as control characters. */
class TerminalSafeOutputTest {
    /** Sets the window title, clears the screen, and hides with a carriage return what came before. */
    static final String HOSTILE = "evil\u001b]0;pwned\u0007\u001b[2J\rok\u009b31m\u202e";

    @TempDir
    Path dir;

    @Test
    void aFileNameInAnErrorIsPrintedWithItsControlCharactersEscaped() {
        CliRun verify = CliRun.of("verify", dir.resolve(HOSTILE + ".sql").toString());

        assertThat(verify.exitCode()).isNotZero();
        assertThat(verify.err()).contains("evil\\u001b]0;pwned\\u0007\\u001b[2J\\u000dok\\u009b31m\\u202e.sql");
        assertNoControlCharacters(verify.out() + verify.err());
    }

    @Test
    void anUnknownOptionIsEchoedEscaped() {
        CliRun run = CliRun.of("info", "--" + HOSTILE);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--evil\\u001b]0;pwned");
        assertNoControlCharacters(run.out() + run.err());
    }

    @Test
    void aMigrationNamedWithControlCharactersIsListedEscapedAsTextAndAsJson() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("db"));
        Files.writeString(folder.resolve("001_" + HOSTILE.replace("\r", "") + ".sql"), "CREATE TABLE t (id int);\n");
        String db = dir.resolve("app.db").toString();
        assertThat(CliRun.of("migrate", "--url", db, "--locations", folder.toString()).exitCode()).isZero();

        CliRun text = CliRun.of("info", "--url", db, "--locations", folder.toString());
        CliRun json = CliRun.of("info", "--url", db, "--locations", folder.toString(), "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("evil\\u001b]0;pwned\\u0007\\u001b[2Jok\\u009b31m\\u202e");
        assertNoControlCharacters(text.out() + text.err() + json.out() + json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("migrations").get(0).get("description").asText()).contains("\u001b]0;pwned\u0007")
                .contains("\u009b31m\u202e");
    }

    static void assertNoControlCharacters(String output) {
        assertThat(output.chars().filter(c -> (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                || c == 0x202e)).as(output).isEmpty();
    }
}
