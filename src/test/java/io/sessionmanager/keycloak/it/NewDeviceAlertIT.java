package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.Mailbox;
import io.sessionmanager.keycloak.it.support.Sessions;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "New-device notification": who gets the email, what it says, and what its "This wasn't me" link does. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewDeviceAlertIT {

    static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    static final String EDGE_ON_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    private static final Pattern NOT_ME_LINK = Pattern.compile("(http[^\\s\"<>]*login-actions/action-token\\?[^\\s\"<>]*)");
    /** Mail is sent after the sign-in; this long is ample for it to arrive, and for none to. */
    private static final long MAIL_WAIT_MILLIS = 3000;

    private final Mailbox mailbox = Mailbox.start();
    private KeycloakServer server;
    private TestRealm realm;

    @BeforeAll
    void start(KeycloakServer server) {
        this.server = server;
        realm = realm("new-device", smtpPort(), true);
    }

    @AfterAll
    void stop() {
        mailbox.close();
    }

    @Test
    void aSecondDeviceGetsOneMailWithDeviceIpAndBothLinks() throws Exception {
        realm.createUser("nina");
        Tokens laptop = signIn("nina", CHROME_ON_WINDOWS);
        Tokens phone = signIn("nina", FIREFOX_ON_LINUX);

        MimeMessage mail = onlyMailTo("nina");
        String text = Mailbox.part(mail, "text/plain");
        String html = Mailbox.part(mail, "text/html");
        assertThat(mail.getSubject()).isEqualTo("New sign-in from Firefox 121 on Linux");
        assertThat(text).startsWith("Hello nina,");
        assertThat(html).contains("<p>Hello nina,</p>").contains("font-family:").doesNotContain("\u202F");
        assertThat(text).contains("Device: Firefox 121 on Linux", "IP address: 127.0.0.1", "Application: " + TestRealm.APP,
                realm.url() + "/account/account-security/sessions", "This wasn't me: ");
        assertThat(notMeLink(text)).isEqualTo(notMeLink(html));
        assertThat(html).contains("Firefox 121 on Linux", "127.0.0.1", "This wasn&#39;t me");
        assertThat(list(realm, phone)).extracting(s -> s.path("current").asBoolean() + " " + s.path("newDevice").asBoolean())
                .containsExactlyInAnyOrder("true true", "false false");
        assertThat(realm.refresh(laptop.refreshToken()).status()).isEqualTo(200);
    }

    /** The intruder names another host while signing in: the victim's links still lead to the realm's Frontend URL. */
    @Test
    void aSignInNamingAnotherHostGetsLinksToTheConfiguredAddress() throws Exception {
        realm.createUser("hugo");
        signIn("hugo", CHROME_ON_WINDOWS);

        assertThat(passwordGrantNamingHost(realm, "evil.example", "hugo", FIREFOX_ON_LINUX)).startsWith("HTTP/1.1 200");

        String text = Mailbox.part(firstMailTo("hugo"), "text/plain");
        assertThat(notMeLink(text)).startsWith(server.baseUrl() + "/realms/" + realm.name() + "/");
        assertThat(text).doesNotContain("evil.example");
    }

    /**
     * Neither a Frontend URL nor a hostname: Keycloak takes a request's Host header for its own
     * address, so an intruder naming another host while signing in would choose where the victim's
     * links lead. The mail still tells, without a link, and the log says why, once.
     */
    @Test
    void withoutAConfiguredAddressTheMailCarriesNoLink() throws Exception {
        TestRealm unaddressed = realm("new-device-no-address", smtpPort(), true, Map.of());
        unaddressed.createUser("ivo");
        long logOffset = server.logLength();
        unaddressed.login("ivo", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        assertThat(passwordGrantNamingHost(unaddressed, "evil.example", "ivo", FIREFOX_ON_LINUX))
                .startsWith("HTTP/1.1 200");
        unaddressed.login("ivo", "openid", Map.of("User-Agent", EDGE_ON_MAC));

        for (long deadline = System.currentTimeMillis() + MAIL_WAIT_MILLIS;
             mailbox.to("ivo@example.org").size() < 2 && System.currentTimeMillis() < deadline; ) {
            Thread.sleep(50);
        }

        assertThat(mailbox.to("ivo@example.org")).hasSize(2).allSatisfy(mail ->
                assertThat(Mailbox.part(mail, "text/plain")).contains("If this was not you, sign in to your account")
                        .doesNotContain("http", "action-token", "evil.example"));
        assertThat(server.logSince(logOffset).split("carry no links", -1)).hasSize(2);
    }

    /** Some parser rules take a product name from the user agent as it stands: those words never reach the subject. */
    @Test
    void aBrowserNameTheIntruderChoseNeverReachesTheSubject() throws Exception {
        realm.createUser("gina");
        signIn("gina", CHROME_ON_WINDOWS);
        signIn("gina", "Mozilla/5.0 (compatible; Approved by IT ignore this Spider/1.0)");

        MimeMessage mail = onlyMailTo("gina");

        assertThat(mail.getSubject()).isEqualTo("New sign-in from an unrecognised browser");
        assertThat(Mailbox.part(mail, "text/plain")).containsPattern("Device: \"[^\"\\n]*Spider[^\"\\n]*\"");
    }

    @Test
    void aKnownDeviceAndTheFirstSignInGetNone() throws Exception {
        realm.createUser("kai");
        Tokens first = signIn("kai", CHROME_ON_WINDOWS);
        Tokens again = signIn("kai", CHROME_ON_WINDOWS.replace("Chrome/131", "Chrome/132"));

        assertThat(mailsTo("kai", MAIL_WAIT_MILLIS)).isEmpty();
        assertThat(list(realm, again)).extracting(s -> s.path("newDevice").asBoolean()).containsExactly(false, false);
        assertThat(realm.refresh(first.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void tenSignInsFromTheNewDeviceInAMinuteGetOneMail() throws Exception {
        realm.createUser("tom");
        signIn("tom", CHROME_ON_WINDOWS);
        for (int i = 0; i < 10; i++) {
            signIn("tom", FIREFOX_ON_LINUX);
        }

        assertThat(mailsTo("tom", MAIL_WAIT_MILLIS)).hasSize(1);
    }

    @Test
    void aGermanUserGetsTheGermanMail() throws Exception {
        realm.createUser("hanna", Map.of("locale", List.of("de")));
        signIn("hanna", CHROME_ON_WINDOWS);
        signIn("hanna", FIREFOX_ON_LINUX);

        MimeMessage mail = onlyMailTo("hanna");
        assertThat(mail.getSubject()).isEqualTo("Neue Anmeldung von Firefox 121 unter Linux");
        assertThat(Mailbox.part(mail, "text/plain")).startsWith("Hallo hanna,").contains("Gerät: Firefox 121 unter Linux", "IP-Adresse: 127.0.0.1",
                "Das war ich nicht: ");
    }

    @Test
    void recordedValuesWithMarkupAreEscapedInTheHtmlPart() throws Exception {
        TestRealm markup = realm("new-device-markup", smtpPort(), true);
        String appId = markup.admin().mustGet("/" + markup.name() + "/clients?clientId=" + TestRealm.APP).json()
                .get(0).path("id").asText();
        markup.admin().mustPut("/" + markup.name() + "/clients/" + appId,
                Map.of("clientId", TestRealm.APP, "name", "<b>Shop</b>"));
        markup.createUser("mark");
        markup.login("mark", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        markup.login("mark", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));

        String html = Mailbox.part(onlyMailTo("mark"), "text/html");
        assertThat(html).contains("&lt;b&gt;Shop&lt;/b&gt;").doesNotContain("<b>Shop");
    }

    @Test
    void noMailWithoutAVerifiedEmailOrWithNotificationsOff() throws Exception {
        realm.createUser("una");
        unverifyEmail(realm, "una");
        signIn("una", CHROME_ON_WINDOWS);
        signIn("una", FIREFOX_ON_LINUX);
        TestRealm quiet = realm("new-device-off", smtpPort(), false);
        quiet.createUser("otto");
        quiet.login("otto", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        Tokens second = quiet.login("otto", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));

        assertThat(mailsTo("una", MAIL_WAIT_MILLIS)).isEmpty();
        assertThat(mailsTo("otto", 0)).isEmpty();
        assertThat(list(quiet, second)).extracting(s -> s.path("newDevice").asBoolean()).contains(true);
    }

    @Test
    void aRealmWithoutAMailServerTriesNoMail() throws Exception {
        TestRealm unmailed = TestRealm.create(server, "new-device-no-smtp",
                Map.of("attributes", Map.of("sessionManager.notifyNewDevice", "true")));
        unmailed.createUser("nora");
        unmailed.login("nora", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        Tokens second = unmailed.login("nora", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));

        assertThat(list(unmailed, second)).extracting(s -> s.path("newDevice").asBoolean()).contains(true);
        Thread.sleep(MAIL_WAIT_MILLIS);
        assertThat(unmailed.admin().mustGet(unmailed.adminApi() + "/status").json().path("failedNewDeviceMails")
                .asLong()).as("a mail tried without a server would have failed and been counted").isZero();
    }

    @Test
    void aMailServerThatIsDownNeitherFailsNorDelaysASignInAndIsCounted() throws Exception {
        TestRealm down = realm("new-device-smtp-down", Mailbox.unusedPort(), true);
        down.createUser("dora");
        down.login("dora", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        for (int i = 0; i < 3; i++) {
            assertThat(down.passwordGrant("dora", TestRealm.PASSWORD, "openid", Map.of("User-Agent", FIREFOX_ON_LINUX
                    .replace("121", String.valueOf(121 + i)))).status()).isEqualTo(200);
        }

        long failed = 0;
        for (int attempt = 0; attempt < 50 && failed == 0; attempt++) {
            Thread.sleep(100);
            failed = down.admin().mustGet(down.adminApi() + "/status").json().path("failedNewDeviceMails").asLong();
        }
        assertThat(failed).isEqualTo(1);
    }

    /**
     * The link ends the reported session and nothing more: whoever holds the mail sees no password
     * form, and no required action waits for a browser still signed in (this realm allows no
     * self-service reset). The reported device counts as new again.
     */
    @Test
    void thisWasntMeEndsThatSessionAndNothingMore() throws Exception {
        String ritaId = realm.createUser("rita");
        Tokens own = signIn("rita", CHROME_ON_WINDOWS);
        Tokens intruder = signIn("rita", FIREFOX_ON_LINUX);
        signIn("rita", FIREFOX_ON_LINUX); // the intruder's second session: the device was new an instant ago
        String link = notMeLink(Mailbox.part(firstMailTo("rita"), "text/plain"));
        Browser phone = realm.browser(FIREFOX_ON_LINUX);

        Http.Reply confirmation = phone.open(link);
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(confirmation.body()).contains("This ends the session signed in from Firefox 121 on Linux");
        assertThat(realm.refresh(intruder.refreshToken()).status()).as("not ended before confirming").isEqualTo(200);

        Http.Reply ended = phone.confirmNotMe(confirmation);
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.body()).contains("has ended. If someone may know your password, change it now")
                .doesNotContain("kc-passwd-update-form", "password-new");
        assertRefreshRefused(realm.refresh(intruder.refreshToken()));
        assertThat(realm.introspect(intruder.accessToken()).path("active").asBoolean()).isFalse();
        assertThat(realm.userinfo(intruder.accessToken()).status()).isEqualTo(401);
        assertThat(realm.refresh(own.refreshToken()).status()).as("the user's own session").isEqualTo(200);
        assertThat(history(realm, own)).singleElement().satisfies(s -> {
            assertThat(s.path("status").asText()).isEqualTo("REVOKED");
            assertThat(s.path("endReason").asText()).isEqualTo("USER_REPORTED");
        });
        assertThat(requiredActions(ritaId)).as("no new-password form for a browser still signed in").isEmpty();

        realm.login("rita", TestRealm.PASSWORD, "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));
        assertThat(mailsTo("rita", MAIL_WAIT_MILLIS)).as("the reported device is new again, whatever else came from it")
                .hasSize(2);

        Http.Reply reused = realm.browser(FIREFOX_ON_LINUX).open(link);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.body()).contains("kc-error-message");
    }

    /**
     * Opening the link, or anything a mail scanner does with the page it opens, ends nothing: only
     * the page's own form, posted with its one-time code from the browser that opened it.
     */
    @Test
    void onlyThePagesOwnFormFromItsOwnBrowserEndsTheSession() throws Exception {
        realm.createUser("olga");
        signIn("olga", CHROME_ON_WINDOWS);
        Tokens intruder = signIn("olga", FIREFOX_ON_LINUX);
        String link = notMeLink(Mailbox.part(firstMailTo("olga"), "text/plain"));
        Browser scanner = realm.browser(FIREFOX_ON_LINUX);
        Browser.NotMeForm form = scanner.notMeForm(scanner.open(link));
        int refusalsBefore = refusedConfirmations();

        Http.Reply followed = scanner.open(form.action());
        Http.Reply fromElsewhere = realm.browser(FIREFOX_ON_LINUX).submit(form, "all");
        Http.Reply forgedCode = scanner.submit(new Browser.NotMeForm(form.action(), "forged"), "all");

        assertThat(followed.status()).isEqualTo(405);
        assertThat(fromElsewhere.status()).isEqualTo(400);
        assertThat(fromElsewhere.body()).contains("This page has expired");
        assertThat(forgedCode.status()).isEqualTo(400);
        assertThat(refusedConfirmations()).as("each refusal is an error event").isEqualTo(refusalsBefore + 2);
        assertThat(realm.refresh(intruder.refreshToken()).status()).as("nothing ended").isEqualTo(200);

        Http.Reply ended = scanner.confirmNotMe(scanner.open(link));
        assertThat(ended.status()).as("the link is not spent by refused attempts").isEqualTo(200);
        assertRefreshRefused(realm.refresh(intruder.refreshToken()));
    }

    /**
     * Someone may know the password: the user ends every session, the reported one as reported, and
     * the next sign-in (a real one: no session is left for single sign-on) must choose a new
     * password. A realm that allows self-service resets changes nothing: its reset flow, not the
     * link, sets passwords.
     */
    @Test
    void endingEverySessionFromTheLinkMakesTheNextSignInChooseANewPassword() throws Exception {
        TestRealm resets = TestRealm.create(server, "new-device-resets", Map.of("resetPasswordAllowed", true,
                "smtpServer", mailbox.smtpServer(),
                "attributes", Map.of("sessionManager.notifyNewDevice", "true", "frontendUrl", server.baseUrl())));
        String veraId = resets.createUser("vera");
        Tokens own = resets.login("vera", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        Tokens intruder = resets.login("vera", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));
        String link = notMeLink(Mailbox.part(firstMailTo("vera"), "text/plain"));
        Browser phone = resets.browser(EDGE_ON_MAC);

        Browser.NotMeForm form = phone.notMeForm(phone.open(link));
        Http.Reply ended = phone.submit(form, "all");

        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.body()).contains("Every session of your account has ended")
                .doesNotContain("kc-passwd-update-form", "password-new");
        assertRefreshRefused(resets.refresh(intruder.refreshToken()));
        assertRefreshRefused(resets.refresh(own.refreshToken()));
        JsonNode history = resets.admin().mustGet(resets.adminApi() + "/users/" + veraId + "/sessions/history").json();
        Map<String, String> reasons = new HashMap<>();
        history.forEach(s -> reasons.put(s.path("device").path("browser").asText().split("/")[0], s.path("endReason").asText()));
        assertThat(reasons).containsEntry("Firefox", "USER_REPORTED").containsEntry("Chrome", "LOGOUT_EVERYWHERE");
        assertThat(requiredActions(resets, veraId)).containsExactly("UPDATE_PASSWORD");
        assertThat(resets.passwordGrant("vera", TestRealm.PASSWORD, "openid", Map.of()).status())
                .as("no sign-in without choosing a new password").isEqualTo(400);

        resets.browser(CHROME_ON_WINDOWS).loginUpdatingPassword("vera", TestRealm.PASSWORD, "after-an-intruder");
        assertThat(requiredActions(resets, veraId)).isEmpty();
    }

    /** A user whose password is not stored here (a directory's, an identity provider's, or none) is told where it lives. */
    @Test
    void aUserWithoutAPasswordHereIsToldWhereToChangeIt() throws Exception {
        TestRealm keepsSessions = realm("new-device-no-password", smtpPort(), true,
                Map.of("sessionManager.revokeOnCredentialChange", "NONE", "frontendUrl", server.baseUrl()));
        String paulId = keepsSessions.createUser("paul");
        keepsSessions.login("paul", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        Tokens intruder = keepsSessions.login("paul", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));
        String link = notMeLink(Mailbox.part(firstMailTo("paul"), "text/plain"));
        String users = "/" + keepsSessions.name() + "/users/" + paulId;
        for (JsonNode credential : keepsSessions.admin().mustGet(users + "/credentials").json()) {
            keepsSessions.admin().mustDelete(users + "/credentials/" + credential.path("id").asText());
        }

        Browser phone = keepsSessions.browser(FIREFOX_ON_LINUX);
        Http.Reply ended = phone.submit(phone.notMeForm(phone.open(link)), "all");

        assertThat(ended.body()).contains("Change your password where it is managed")
                .doesNotContain("kc-passwd-update-form", "password-new");
        assertRefreshRefused(keepsSessions.refresh(intruder.refreshToken()));
        assertThat(keepsSessions.admin().mustGet(users).json().path("requiredActions")).isEmpty();
    }

    /** The user ended it already: the link says so, and changes and records nothing. */
    @Test
    void aLinkToASessionThatHasEndedDoesNothing() throws Exception {
        String ellaId = realm.createUser("ella");
        Tokens own = signIn("ella", CHROME_ON_WINDOWS);
        signIn("ella", FIREFOX_ON_LINUX);
        String link = notMeLink(Mailbox.part(firstMailTo("ella"), "text/plain"));
        String intruderSession = list(realm, own).stream().filter(s -> !s.path("current").asBoolean())
                .findFirst().orElseThrow().path("id").asText();
        assertThat(Sessions.revoke(realm, own, intruderSession).status()).isEqualTo(204);

        Http.Reply page = realm.browser(FIREFOX_ON_LINUX).open(link);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("has already ended. Nothing was changed.").doesNotContain("proceed");
        assertThat(requiredActions(ellaId)).isEmpty();
        assertThat(realm.admin().mustGet("/" + realm.name() + "/events?type=EXECUTE_ACTION_TOKEN&user=" + ellaId)
                .json()).isEmpty();
        assertThat(realm.refresh(own.refreshToken()).status()).isEqualTo(200);
    }

    /** The link belongs to the address it was mailed to: once the user's email changed, it ends nothing. */
    @Test
    void aLinkIsRefusedOnceTheEmailChanged() throws Exception {
        String emilId = realm.createUser("emil");
        signIn("emil", CHROME_ON_WINDOWS);
        Tokens intruder = signIn("emil", FIREFOX_ON_LINUX);
        String link = notMeLink(Mailbox.part(firstMailTo("emil"), "text/plain"));
        realm.admin().mustPut("/" + realm.name() + "/users/" + emilId, Map.of("email", "emil.new@example.org"));

        Http.Reply refused = realm.browser(FIREFOX_ON_LINUX).open(link);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("kc-error-message");
        assertThat(realm.refresh(intruder.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void aTamperedLinkOrOneOpenedWhereSomeoneElseIsSignedInIsRefused() throws Exception {
        realm.createUser("tara");
        realm.createUser("bert");
        signIn("tara", CHROME_ON_WINDOWS);
        Tokens intruder = signIn("tara", FIREFOX_ON_LINUX);
        String link = notMeLink(Mailbox.part(firstMailTo("tara"), "text/plain"));
        String tampered = link.substring(0, link.length() - 3) + (link.endsWith("AAA") ? "BBB" : "AAA");
        Browser bertsBrowser = realm.browser(CHROME_ON_WINDOWS);
        bertsBrowser.login("bert", TestRealm.PASSWORD);

        Http.Reply forged = realm.browser(FIREFOX_ON_LINUX).open(tampered);
        Http.Reply otherUser = bertsBrowser.open(link);

        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body()).contains("kc-error-message");
        assertThat(otherUser.status()).isEqualTo(400);
        assertThat(otherUser.body()).contains("kc-error-message", "bert");
        assertThat(realm.refresh(intruder.refreshToken()).status()).isEqualTo(200);
    }

    private Tokens signIn(String username, String userAgent) {
        return realm.login(username, "openid", Map.of("User-Agent", userAgent));
    }

    /** A realm whose mails link to the server's address, its Frontend URL (the test server has no fixed hostname). */
    private TestRealm realm(String name, int smtpPort, boolean notifyNewDevice) {
        return realm(name, smtpPort, notifyNewDevice, Map.of("frontendUrl", server.baseUrl()));
    }

    private TestRealm realm(String name, int smtpPort, boolean notifyNewDevice, Map<String, String> attributes) {
        Map<String, String> all = new HashMap<>(attributes);
        all.put("sessionManager.notifyNewDevice", String.valueOf(notifyNewDevice));
        return TestRealm.create(server, name, Map.of(
                "internationalizationEnabled", true,
                "supportedLocales", List.of("en", "de"),
                "defaultLocale", "en",
                "attributes", all,
                "smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort),
                        "from", "keycloak@example.org")));
    }

    /** A password grant whose request names {@code host} in its Host header, which Java's HTTP client will not send. */
    private static String passwordGrantNamingHost(TestRealm realm, String host, String username, String userAgent)
            throws IOException {
        URI token = URI.create(realm.url() + "/protocol/openid-connect/token");
        String body = "grant_type=password&scope=openid&client_id=" + TestRealm.APP + "&username=" + username
                + "&password=" + Http.encode(TestRealm.PASSWORD);
        String request = "POST " + token.getRawPath() + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + userAgent
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
        try (Socket socket = new Socket(token.getHost(), token.getPort())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int refusedConfirmations() {
        return realm.admin().mustGet("/" + realm.name() + "/events?type=EXECUTE_ACTION_TOKEN_ERROR&max=1000").json().size();
    }

    private List<String> requiredActions(String userId) {
        return requiredActions(realm, userId);
    }

    private static List<String> requiredActions(TestRealm realm, String userId) {
        JsonNode user = realm.admin().mustGet("/" + realm.name() + "/users/" + userId).json();
        List<String> actions = new ArrayList<>();
        user.path("requiredActions").forEach(action -> actions.add(action.asText()));
        return actions;
    }

    private static void unverifyEmail(TestRealm realm, String username) {
        JsonNode user = realm.admin().mustGet("/" + realm.name() + "/users?exact=true&username=" + username).json().get(0);
        realm.admin().mustPut("/" + realm.name() + "/users/" + user.path("id").asText(), Map.of("emailVerified", false));
    }

    /** The first mail {@code username} received, as soon as it is there (whether more follow is not this test's). */
    private MimeMessage firstMailTo(String username) throws InterruptedException {
        String address = username + "@example.org";
        mailbox.await(address, Duration.ofMillis(MAIL_WAIT_MILLIS));
        List<MimeMessage> mails = mailbox.to(address);
        assertThat(mails).as("mails to " + username).isNotEmpty();
        return mails.get(0);
    }

    private MimeMessage onlyMailTo(String username) throws Exception {
        List<MimeMessage> mails = mailsTo(username, MAIL_WAIT_MILLIS);
        assertThat(mails).as("mails to " + username).hasSize(1);
        return mails.get(0);
    }

    /** The mails {@code username} received, waiting until one arrives or {@code millis} passed, then as long again. */
    private List<MimeMessage> mailsTo(String username, long millis) throws InterruptedException {
        String address = username + "@example.org";
        mailbox.await(address, Duration.ofMillis(millis));
        Thread.sleep(Math.min(millis, 500));
        return mailbox.to(address);
    }

    static String notMeLink(String body) {
        Matcher link = NOT_ME_LINK.matcher(body);
        assertThat(link.find()).as("a This wasn't me link in " + body).isTrue();
        return link.group(1).replace("&amp;", "&");
    }

    private int smtpPort() {
        return Integer.parseInt(mailbox.smtpServer().get("port"));
    }

}
