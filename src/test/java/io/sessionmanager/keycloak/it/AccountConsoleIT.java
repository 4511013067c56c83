package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.BrowserTests;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.Mailbox;
import io.sessionmanager.keycloak.it.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC "Account console": the Signed-in sessions page in a real Chromium. The browser steps live in
 * {@code themes/session-manager/e2e/sessions.test.mjs}; this class prepares the realm on the shared
 * server and fails when they do.
 */
@ExtendWith(KeycloakExtension.class)
class AccountConsoleIT {

    private static final int STEPS = 12;
    /** The steps that test only the page's own bundle (hostile user agent, keyboard, phone layout). */
    private static final int BUNDLE_ONLY_STEPS = 4;
    /**
     * Set on the other Keycloak minors: the bundle is the same file everywhere, so its own behaviour
     * is checked on the newest only, and what the server does for the page on each.
     */
    private static final boolean SERVER_DEPENDENT_ONLY = Boolean.getBoolean("browser.serverDependentOnly");

    private final Mailbox mailbox = Mailbox.start();

    @AfterEach
    void closeMailbox() {
        mailbox.close();
    }

    @Test
    void theSessionsPageWorksInARealBrowser(KeycloakServer server) throws IOException, InterruptedException {
        TestRealm realm = TestRealm.create(server, "console", Map.of(
                "accountTheme", "session-manager",
                "internationalizationEnabled", true,
                "supportedLocales", List.of("en", "de"),
                "defaultLocale", "en",
                "smtpServer", mailbox.smtpServer(),
                "attributes", Map.of("sessionManager.notifyNewDevice", "true", "frontendUrl", server.baseUrl())));
        realm.createUser("alice");
        realm.createUser("hans", Map.of("locale", List.of("de")));
        realm.createUser("bruno");
        realm.createUser("paula");
        TestRealm recentSignIn = TestRealm.create(server, "console-recent-sign-in", Map.of(
                "accountTheme", "session-manager",
                "attributes", Map.of("sessionManager.reauthenticateWithin", "PT3S")));
        recentSignIn.createUser("alice");
        Path screenshot = BrowserTests.screenshot("account-sessions.png");

        BrowserTests.run("e2e/sessions.test.mjs", Map.ofEntries(
                Map.entry("BASE_URL", server.baseUrl()),
                Map.entry("REALM", realm.name()),
                Map.entry("USERNAME", "alice"),
                Map.entry("GERMAN_USERNAME", "hans"),
                Map.entry("OTHER_USERNAME", "bruno"),
                Map.entry("PASSKEY_USERNAME", "paula"),
                Map.entry("PASSWORD", TestRealm.PASSWORD),
                Map.entry("SCREENSHOT", screenshot.toString()),
                Map.entry("MAIL_URL", mailbox.httpUrl()),
                Map.entry("RECENT_SIGN_IN_REALM", recentSignIn.name()),
                Map.entry("SERVER_DEPENDENT_ONLY", String.valueOf(SERVER_DEPENDENT_ONLY))),
                SERVER_DEPENDENT_ONLY ? STEPS - BUNDLE_ONLY_STEPS : STEPS);

        assertThat(screenshot).isNotEmptyFile();
        if (!SERVER_DEPENDENT_ONLY) {
            assertThat(screenshot.resolveSibling("account-sessions-phone.png")).isNotEmptyFile();
            assertThat(screenshot.resolveSibling("account-sessions-phone-de.png")).isNotEmptyFile();
        }
        assertThat(screenshot.resolveSibling("new-device-mail.png")).isNotEmptyFile();
    }
}
