package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs browser steps written for Node's test runner ({@code themes/session-manager/e2e/*.test.mjs},
 * Playwright's playwright-core driving Debian's chromium) and fails when they do.
 */
public final class BrowserTests {

    private static final Path THEME = Path.of("themes/session-manager");
    private static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));

    private BrowserTests() {
    }

    /** Runs {@code script} with {@code environment} and asserts that it passed {@code tests} tests, none failing. */
    public static void run(String script, Map<String, String> environment, int tests)
            throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Chromium for the browser tests: apt-get install -y chromium").isExecutable();
        Path output = Path.of("target/" + Path.of(script).getFileName() + ".txt").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "--test-concurrency=1", script)
                .directory(THEME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("CHROMIUM", CHROMIUM.toString());
        node.environment().putAll(variables);
        Process process = node.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String report = Files.readString(output);
        System.out.println(report);

        assertThat(finished).as("browser tests finished in time:\n" + report).isTrue();
        assertThat(process.exitValue()).as("browser tests:\n" + report).isZero();
        assertThat(report).contains("pass " + tests).contains("fail 0");
    }

    /** Where a browser test leaves its screenshot {@code name}: target/screenshots. */
    public static Path screenshot(String name) throws IOException {
        Path screenshot = Path.of("target/screenshots", name).toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        return screenshot;
    }
}
