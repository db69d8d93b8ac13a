package dev.mooring.server;

import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mooring.server.AdminDashboardSeed.TOP_USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin dashboard in a real headless browser (Debian's {@code chromium}), on a loopback admin port so no token is
 * needed, over the figures of {@link AdminDashboardSeed}. One run takes a screenshot, which {@code tesseract} reads
 * back for the key numbers; one dumps the DOM the script built. The screenshot and the DOM stay in {@code target/}
 * ({@code admin-dashboard.png}, {@code admin-dashboard.html}) for a person to look at. Skipped when either program is
 * missing.
 */
class AdminDashboardBrowserTest {
    static final Path SCREENSHOT = Path.of("target", "admin-dashboard.png").toAbsolutePath();
    static final Path DOM = Path.of("target", "admin-dashboard.html").toAbsolutePath();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    static SyncServer server;

    @BeforeAll
    static void start() throws Exception {
        SyncTestSupport.execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        AdminDashboardSeed.seed(pg.dataSource());
        server = SyncServer.start(pg.dataSource(), SyncTestSupport.config(), ServerOptions.defaults().withPort(0)
                .withAdminPort(0).withAlerts(AlertSettings.defaults()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theScreenshotShowsTheKeyNumbers(@TempDir Path profile) throws Exception {
        String chromium = program("chromium");
        String tesseract = program("tesseract");
        Files.deleteIfExists(SCREENSHOT);

        run(profile, chromium, "--window-size=1280,2200", "--screenshot=" + SCREENSHOT, page());
        String text = run(profile, tesseract, SCREENSHOT.toString(), "-");

        assertThat(text).as("OCR of " + SCREENSHOT)
                // tesseract reads the first row of tiles as one line, "40 37 12.5% 1"; not a time such as 06:37
                .contains("Failed syncs, last hour").containsPattern("(?<![\\d.:-])37(?![\\d.:-])")
                .contains("12.5%")
                .contains(TOP_USER);
    }

    @Test
    void theDomShowsDatabaseTextAsTextAndDrawsABarPerDay(@TempDir Path profile) throws Exception {
        String chromium = program("chromium");

        String dom = run(profile, chromium, "--dump-dom", page());
        Files.writeString(DOM, dom);

        assertThat(dom).as("the script ran and the figures arrived (" + DOM + ")").contains("<main id=\"dashboard\">");
        assertThat(dom).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContainIgnoringCase("<img");
        List<String> bars = matches(dom, "<rect class=\"bar\" [^>]*>");
        assertThat(bars).hasSize(AdminDashboard.DAYS);
        assertThat(bars.stream().mapToLong(bar -> Long.parseLong(attribute(bar, "data-sessions"))).sum()).isEqualTo(50);
        assertThat(bars.stream().mapToLong(bar -> Long.parseLong(attribute(bar, "data-failed"))).sum()).isEqualTo(37);
        assertThat(dom).contains("<td>" + TOP_USER + "</td>").contains(AdminDashboardSeed.ERROR);
    }

    static String page() {
        return server.adminUri().orElseThrow() + "/admin";
    }

    /** The program's path, or the test is skipped saying how to install it. */
    static String program(String name) {
        Optional<Path> found = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> List.of(path.split(File.pathSeparator)).stream())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
        assumeTrue(found.isPresent(), () -> "no " + name + " on the PATH: the admin dashboard's browser test needs"
                + " Debian's chromium and tesseract-ocr (apt-get install chromium tesseract-ocr)");
        return found.get().toString();
    }

    /**
     * Runs a program to its end (at most a minute) and returns what it printed; chromium gets a headless browser's
     * flags and a profile of its own. What it says on stderr (chromium's D-Bus complaints) goes to a file beside the
     * profile, and into the failure message when it fails.
     */
    static String run(Path profile, String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program));
        if (program.endsWith("chromium")) {
            command.addAll(List.of("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--virtual-time-budget=5000", "--user-data-dir=" + profile.resolve("chromium")));
        }
        command.addAll(List.of(args));
        Path errors = Files.createTempFile(profile, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        // tesseract's OpenMP threads fight each other on a small machine: one thread reads the page 4 times faster here
        builder.environment().put("OMP_THREAD_LIMIT", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within a minute");
        }
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + Files.readString(errors)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    static String attribute(String element, String name) {
        Matcher m = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(element);
        assertThat(m.find()).as(name + " in " + element).isTrue();
        return m.group(1);
    }
}
