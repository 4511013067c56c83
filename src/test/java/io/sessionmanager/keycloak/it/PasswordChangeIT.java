package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC "Lifecycle": a password change or reset, and an OTP added or removed (ASVS 7.4.3), end the
 * other sessions, per revokeOnCredentialChange (still accepted under its old name revokeOnPasswordChange).
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordChangeIT {

    private static final String NEW_PASSWORD = "new-password-after-scare";
    private static final String OTP = "otp";
    private static final String PASSKEY = "webauthn-passwordless";
    private static final Pattern RESET_LINK = Pattern.compile("(http[^\\s\"<>]*login-actions/action-token[^\\s\"<>]*)");
    /** What the update-password form says where the policy ends the other sessions. */
    private static final String ENDS_OTHERS = "Changing your password signs you out on your other devices";

    private final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    private KeycloakServer server;
    private TestRealm realm;

    @BeforeAll
    void start(KeycloakServer server) {
        this.server = server;
        smtp.start();
        realm = realm("password-change");
    }

    @AfterAll
    void stop() {
        smtp.stop();
    }

    @Test
    void selfServiceChangeEndsEveryOtherSessionOfflineIncluded() {
        realm.createUser("sam");
        Browser laptop = realm.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0");
        Tokens beforeChange = laptop.login("sam", TestRealm.PASSWORD);
        Tokens phone = realm.login("sam");
        Tokens offline = realm.loginOffline("sam");
        assertThat(laptop.updatePasswordForm()).contains(ENDS_OTHERS).contains("name=\"logout-sessions\"");

        // Keycloak's "Sign out from other devices" box left unticked: the policy ends them, as the form said.
        Tokens afterChange = laptop.changePassword(NEW_PASSWORD);

        assertRefreshRefused(realm.refresh(phone.refreshToken()));
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(realm.refresh(afterChange.refreshToken()).status()).isEqualTo(200);
        assertThat(realm.refresh(beforeChange.refreshToken()).status()).isEqualTo(200);
        assertThat(afterChange.sessionId()).isEqualTo(beforeChange.sessionId());
        assertThat(list(realm, afterChange)).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
        assertThat(history(realm, afterChange)).hasSize(2)
                .allSatisfy(s -> {
                    assertThat(s.path("status").asText()).isEqualTo("REVOKED");
                    assertThat(s.path("endReason").asText()).isEqualTo("PASSWORD_CHANGE");
                });
    }

    @Test
    void forgotPasswordResetThroughTheEmailedLinkEndsTheOldSessions() throws Exception {
        realm.createUser("fiona");
        Tokens attacker = realm.login("fiona");
        Tokens attackersOffline = realm.loginOffline("fiona");
        Browser browser = realm.browser("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) Safari/605.1.15");

        browser.requestPasswordReset("fiona");
        Tokens afterReset = browser.resetPassword(resetLinkSentTo("fiona@example.org"), NEW_PASSWORD);

        assertOnlySurvivor(afterReset, "PASSWORD_CHANGE", attacker, attackersOffline);
    }

    @Test
    void adminResetEndsAllSessions() {
        String userId = realm.createUser("ada");
        Tokens first = realm.login("ada");
        Tokens offline = realm.loginOffline("ada");

        realm.admin().mustPut("/" + realm.name() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false));

        assertBothEndedByThePasswordChange(userId, first, offline);
    }

    /** What provisioning scripts and infrastructure-as-code tools do; Keycloak sends no event for the password. */
    @Test
    void adminUserUpdateCarryingAPasswordEndsAllSessions() {
        String userId = realm.createUser("upton");
        Tokens first = realm.login("upton");
        Tokens offline = realm.loginOffline("upton");

        realm.admin().mustPut("/" + realm.name() + "/users/" + userId, Map.of("credentials",
                List.of(Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false))));

        assertBothEndedByThePasswordChange(userId, first, offline);
    }

    private void assertBothEndedByThePasswordChange(String userId, Tokens online, Tokens offline) {
        assertRefreshRefused(realm.refresh(online.refreshToken()));
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        JsonNode ended = realm.admin().mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").json();
        assertThat(ended).hasSize(2)
                .allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("PASSWORD_CHANGE"));
    }

    /** An update of anything else is no password change. */
    @Test
    void adminUserUpdateWithoutAPasswordLeavesSessionsAlone() {
        String userId = realm.createUser("otto");
        Tokens signedIn = realm.login("otto");

        realm.admin().mustPut("/" + realm.name() + "/users/" + userId, Map.of("firstName", "Otto"));

        assertThat(realm.refresh(signedIn.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void passwordSetWhereKeycloakRequiresItEndsTheOtherSessions() {
        String userId = realm.createUser("ria");
        Tokens other = realm.login("ria");
        realm.admin().mustPut("/" + realm.name() + "/users/" + userId, Map.of("requiredActions", List.of("UPDATE_PASSWORD")));
        Browser browser = realm.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0");

        Tokens updated = browser.loginUpdatingPassword("ria", TestRealm.PASSWORD, NEW_PASSWORD);

        assertRefreshRefused(realm.refresh(other.refreshToken()));
        assertThat(realm.refresh(updated.refreshToken()).status()).isEqualTo(200);
        assertThat(history(realm, updated)).singleElement()
                .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("PASSWORD_CHANGE"));
    }

    /**
     * The policy is in force in a realm that did not enable the {@code session-manager} listener
     * (which only records): password changes by every path and a disabled user end sessions.
     */
    @Test
    void policyHoldsInARealmThatDoesNotRecord() {
        TestRealm quiet = TestRealm.create(server, "password-no-listener",
                Map.of("eventsListeners", List.of("jboss-logging")));
        String reset = quiet.createUser("rex");
        Tokens resetSession = quiet.login("rex");
        String updated = quiet.createUser("ulla");
        Tokens updatedSession = quiet.login("ulla");
        String disabled = quiet.createUser("dora");
        Tokens disabledSession = quiet.login("dora");
        quiet.createUser("sid");
        Browser laptop = quiet.browser("Mozilla/5.0 Firefox/121.0");
        laptop.login("sid", TestRealm.PASSWORD);
        Tokens sidsPhone = quiet.login("sid");

        quiet.admin().mustPut("/" + quiet.name() + "/users/" + reset + "/reset-password",
                Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false));
        quiet.admin().mustPut("/" + quiet.name() + "/users/" + updated, Map.of("credentials",
                List.of(Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false))));
        quiet.admin().mustPut("/" + quiet.name() + "/users/" + disabled, Map.of("enabled", false));
        quiet.admin().mustPut("/" + quiet.name() + "/users/" + disabled, Map.of("enabled", true));
        laptop.changePassword(NEW_PASSWORD);

        assertRefreshRefused(quiet.refresh(resetSession.refreshToken()));
        assertRefreshRefused(quiet.refresh(updatedSession.refreshToken()));
        assertRefreshRefused(quiet.refresh(disabledSession.refreshToken()));
        assertRefreshRefused(quiet.refresh(sidsPhone.refreshToken()));
        assertThat(quiet.admin().mustGet(quiet.adminApi() + "/users/" + reset + "/sessions/history").json())
                .singleElement().satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("PASSWORD_CHANGE"));
    }

    @Test
    void policyNoneLeavesSessionsAlone() {
        TestRealm lenient = realm("password-none");
        lenient.admin().mustPut(lenient.adminApi() + "/config", Map.of("revokeOnPasswordChange", "NONE"));
        String userId = lenient.createUser("nina");
        Browser browser = lenient.browser("Mozilla/5.0 Firefox/121.0");
        browser.login("nina", TestRealm.PASSWORD);
        Tokens other = lenient.login("nina");
        assertThat(browser.updatePasswordForm()).doesNotContain(ENDS_OTHERS).contains("name=\"logout-sessions\"");

        browser.changePassword(NEW_PASSWORD);
        lenient.admin().mustPut("/" + lenient.name() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", NEW_PASSWORD + "2", "temporary", false));

        assertThat(lenient.refresh(other.refreshToken()).status()).isEqualTo(200);
        assertThat(list(lenient, other)).hasSize(2);
    }

    @Test
    void policyAllEndsTheChangingSessionToo() {
        TestRealm strict = realm("password-all");
        strict.admin().mustPut(strict.adminApi() + "/config", Map.of("revokeOnPasswordChange", "ALL"));
        strict.createUser("alfred");
        Browser laptop = strict.browser("Mozilla/5.0 Firefox/121.0");
        Tokens changing = laptop.login("alfred", TestRealm.PASSWORD);
        Tokens other = strict.loginOffline("alfred");
        assertThat(laptop.updatePasswordForm()).contains("Changing your password signs you out everywhere, on this device too");

        // The change succeeds, but the session it ran in is ended with the rest, so the console
        // cannot finish signing in with it.
        catchThrowable(() -> laptop.changePassword(NEW_PASSWORD));

        assertRefreshRefused(strict.refresh(changing.refreshToken()));
        assertRefreshRefused(strict.refresh(other.refreshToken()));
        Tokens fresh = strict.login("alfred", NEW_PASSWORD, "openid", Map.of());
        assertThat(history(strict, fresh)).hasSize(2)
                .allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("PASSWORD_CHANGE"));
    }

    @Test
    void addingAnAuthenticatorAppEndsEveryOtherSessionOfflineIncluded() {
        realm.createUser("oskar");
        Browser laptop = realm.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0");
        laptop.login("oskar", TestRealm.PASSWORD);
        Tokens phone = realm.login("oskar");
        Tokens offline = realm.loginOffline("oskar");

        Tokens withOtp = laptop.configureOtp("phone app");

        assertOnlySurvivor(withOtp, "CREDENTIAL_CHANGE", phone, offline);
    }

    /**
     * With the policy at NONE an OTP added ends nothing; at OTHERS (set under its new name) the
     * user removing it through Keycloak's account API ends the other sessions, and an administrator
     * removing one ends them all.
     */
    @Test
    void removingAnAuthenticatorAppEndsTheOtherSessionsAndAnAdminsRemovalAll() {
        TestRealm factors = realm("factor-removal");
        factors.admin().mustPut(factors.adminApi() + "/config", Map.of("revokeOnCredentialChange", "NONE"));
        String userId = factors.createUser("olga");
        Browser laptop = factors.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0");
        laptop.login("olga", TestRealm.PASSWORD);
        Tokens phone = factors.login("olga");
        Tokens withOtp = laptop.configureOtp("phone app");
        assertThat(factors.refresh(phone.refreshToken()).status()).isEqualTo(200);
        factors.admin().mustPut(factors.adminApi() + "/config", Map.of("revokeOnCredentialChange", "OTHERS"));

        Http.Reply removed = removeThroughAccountApi(factors, credentialOf(factors, userId, OTP), withOtp);

        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertRefreshRefused(factors.refresh(phone.refreshToken()));
        assertThat(factors.refresh(withOtp.refreshToken()).status()).isEqualTo(200);
        Tokens again = laptop.configureOtp("new phone app");
        Http.Reply adminRemoved = factors.admin().delete("/" + factors.name() + "/users/" + userId + "/credentials/"
                + credentialOf(factors, userId, OTP));
        assertThat(adminRemoved.status()).as(adminRemoved.body()).isEqualTo(204);
        assertRefreshRefused(factors.refresh(again.refreshToken()));
        assertThat(factors.admin().mustGet(factors.adminApi() + "/users/" + userId + "/sessions/history").json())
                .hasSize(2).allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("CREDENTIAL_CHANGE"));
    }

    /**
     * A passkey the user removes through Keycloak's account API (the passkey itself is given to the
     * user by an import, as registering one needs an authenticator).
     */
    @Test
    void removingAPasskeyEndsTheOtherSessions() {
        String userId = realm.createUser("penny");
        realm.admin().mustPut("/" + realm.name() + "/users/" + userId, Map.of("credentials", List.of(Map.of(
                "type", PASSKEY, "userLabel", "security key", "secretData", "{}",
                "credentialData", "{\"aaguid\":\"00000000-0000-0000-0000-000000000000\",\"credentialId\":\"AQID\","
                        + "\"credentialPublicKey\":\"AQID\",\"counter\":0,\"attestationStatementFormat\":\"none\"}"))));
        Tokens laptop = realm.login("penny");
        Tokens phone = realm.login("penny");

        Http.Reply removed = removeThroughAccountApi(realm, credentialOf(realm, userId, PASSKEY), phone);

        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertRefreshRefused(realm.refresh(laptop.refreshToken()));
        assertThat(realm.refresh(phone.refreshToken()).status()).isEqualTo(200);
        assertThat(history(realm, phone)).singleElement()
                .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("CREDENTIAL_CHANGE"));
    }

    /** {@code ended} are refused and in the history with {@code reason}; {@code survivor} still refreshes. */
    private void assertOnlySurvivor(Tokens survivor, String reason, Tokens... ended) {
        for (Tokens one : ended) {
            assertRefreshRefused(realm.refresh(one.refreshToken()));
        }
        assertThat(realm.refresh(survivor.refreshToken()).status()).isEqualTo(200);
        assertThat(history(realm, survivor)).hasSize(ended.length)
                .allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo(reason));
    }

    private static Http.Reply removeThroughAccountApi(TestRealm realm, String credentialId, Tokens caller) {
        return Http.send(Http.request(realm.url() + "/account/credentials/" + credentialId)
                .header("Authorization", "Bearer " + caller.accessToken())
                .header("Accept", "application/json").DELETE().build());
    }

    private static String credentialOf(TestRealm realm, String userId, String type) {
        for (JsonNode credential : realm.admin().mustGet("/" + realm.name() + "/users/" + userId + "/credentials").json()) {
            if (credential.path("type").asText().equals(type)) {
                return credential.path("id").asText();
            }
        }
        throw new AssertionError("The user has no credential of type " + type);
    }

    /**
     * Revocation broken on purpose (a PostgreSQL trigger refuses every write to the changing
     * session's record): with {@code ALL}, that session's ending after the change fails, is retried,
     * fails again and is counted for the admins; and the session is refused all the same.
     */
    @Test
    void aPolicyRevocationThatFailsStillHoldsAndIsCounted() {
        Database database = server.database();
        assumeTrue(database.kind().equals("postgres"), "the break is a PostgreSQL trigger");
        TestRealm strict = realm("password-broken");
        strict.admin().mustPut(strict.adminApi() + "/config", Map.of("revokeOnPasswordChange", "ALL"));
        strict.createUser("bert");
        Browser laptop = strict.browser("Mozilla/5.0 Firefox/121.0");
        Tokens changing = laptop.login("bert", TestRealm.PASSWORD);
        database.update("create function sm_broken() returns trigger as $$ begin"
                + " raise exception 'revocation broken on purpose'; end $$ language plpgsql");
        database.update("create trigger sm_broken before update on sm_session for each row"
                + " when (old.kc_session_id = '" + changing.sessionId() + "') execute function sm_broken()");
        try {
            catchThrowable(() -> laptop.changePassword(NEW_PASSWORD));

            assertRefreshRefused(strict.refresh(changing.refreshToken()));
            assertThat(strict.userinfo(changing.accessToken()).status()).isEqualTo(401);
            assertThat(strict.introspect(changing.accessToken()).path("active").asBoolean()).isFalse();
            assertThat(strict.admin().mustGet(strict.adminApi() + "/status").json()
                    .path("failedPolicyRevocations").asLong()).isEqualTo(1);
        } finally {
            database.update("drop trigger sm_broken on sm_session");
            database.update("drop function sm_broken");
        }
    }

    private TestRealm realm(String name) {
        return TestRealm.create(server, name, Map.of(
                "resetPasswordAllowed", true,
                "smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtp.getSmtp().getPort()),
                        "from", "keycloak@example.org")));
    }

    private String resetLinkSentTo(String address) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            for (MimeMessage message : List.of(smtp.getReceivedMessagesForDomain(address))) {
                Matcher link = RESET_LINK.matcher(GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "="));
                if (link.find()) {
                    smtp.purgeEmailFromAllMailboxes();
                    return link.group(1).replace("&amp;", "&");
                }
            }
            smtp.waitForIncomingEmail(100, 1);
        }
        throw new AssertionError("No reset email for " + address);
    }
}
