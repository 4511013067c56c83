package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.Mailbox;
import io.sessionmanager.keycloak.it.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC "Account console": the Signed-in sessions page in a real Chromium. The browser steps live in
 * {@code themes/session-manager/e2e/sessions.test.mjs} (Playwright's playwright-core driving
 * Debian's chromium); this class prepares the realm on the shared server and fails when they do.
 */
@ExtendWith(KeycloakExtension.class)
class AccountConsoleIT {

    private static final Path THEME = Path.of("themes/session-manager");
    private static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));

    private final Mailbox mailbox = Mailbox.start();

    @AfterEach
    void closeMailbox() {
        mailbox.close();
    }

    @Test
    void theSessionsPageWorksInARealBrowser(KeycloakServer server) throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Chromium for the browser tests: apt-get install -y chromium").isExecutable();
        TestRealm realm = TestRealm.create(server, "console", Map.of(
                "accountTheme", "session-manager",
                "internationalizationEnabled", true,
                "supportedLocales", List.of("en", "de"),
                "defaultLocale", "en",
                "smtpServer", mailbox.smtpServer(),
                "attributes", Map.of("sessionManager.notifyNewDevice", "true")));
        realm.createUser("alice");
        realm.createUser("hans", Map.of("locale", List.of("de")));
        realm.createUser("bruno");
        Path screenshot = Path.of("target/screenshots/account-sessions.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Path output = Path.of("target/e2e-output.txt").toAbsolutePath();

        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "--test-concurrency=1",
                "e2e/sessions.test.mjs")
                .directory(THEME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        node.environment().putAll(Map.of(
                "BASE_URL", server.baseUrl(),
                "REALM", realm.name(),
                "USERNAME", "alice",
                "GERMAN_USERNAME", "hans",
                "OTHER_USERNAME", "bruno",
                "PASSWORD", TestRealm.PASSWORD,
                "SCREENSHOT", screenshot.toString(),
                "MAIL_URL", mailbox.httpUrl(),
                "CHROMIUM", CHROMIUM.toString()));
        Process process = node.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String report = Files.readString(output);
        System.out.println(report);

        assertThat(finished).as("browser tests finished in time:\n" + report).isTrue();
        assertThat(process.exitValue()).as("browser tests:\n" + report).isZero();
        assertThat(report).contains("pass 9").contains("fail 0");
        assertThat(screenshot).isNotEmptyFile();
        assertThat(screenshot.resolveSibling("account-sessions-phone.png")).isNotEmptyFile();
        assertThat(screenshot.resolveSibling("new-device-mail.png")).isNotEmptyFile();
    }
}
