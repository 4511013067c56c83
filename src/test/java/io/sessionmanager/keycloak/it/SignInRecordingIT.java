package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.Scrape;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.sessionmanager.keycloak.it.support.Sessions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "Session record": what the listener records for each sign-in. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInRecordingIT {

    private static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

    private TestRealm realm;
    private Database db;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        realm = TestRealm.create(server, "recording");
        db = server.database();
    }

    @Test
    void passwordGrantSignInIsRecordedWithIpClientAndTimes() {
        realm.createUser("pat");
        Tokens tokens = realm.login("pat");

        JsonNode session = only(list(realm, tokens));

        assertThat(session.path("id").asText()).hasSize(36).isNotEqualTo(tokens.sessionId());
        assertThat(session.path("current").asBoolean()).isTrue();
        assertThat(session.path("type").asText()).isEqualTo("ONLINE");
        assertThat(session.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(session.path("ipAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(session.path("lastIpAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(session.path("clients")).extracting(JsonNode::asText).containsExactly(TestRealm.APP);
        assertThat(session.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(session.path("idleExpiresAt").asText()).isGreaterThan(session.path("lastActive").asText());
        assertThat(session.path("expiresAt").asText()).isGreaterThanOrEqualTo(session.path("idleExpiresAt").asText());
        assertThat(session.path("endedAt").isNull()).isTrue();
        assertThat(session.path("endReason").isNull()).isTrue();
    }

    @Test
    void browserSignInRecordsTheDeviceKeycloakParsedFromTheUserAgent() {
        realm.createUser("bea");
        Tokens tokens = realm.browserLogin("bea", CHROME_ON_WINDOWS);

        JsonNode session = only(list(realm, tokens));

        assertThat(session.path("deviceInfo").asText()).isEqualTo("Chrome 120 on Windows 10");
        assertThat(session.path("device").path("browser").asText()).startsWith("Chrome/120");
        assertThat(session.path("device").path("os").asText()).isEqualTo("Windows");
        assertThat(session.path("device").path("osVersion").asText()).isEqualTo("10");
        assertThat(session.path("device").path("mobile").asBoolean()).isFalse();
        assertThat(session.path("userAgent").asText()).isEqualTo(CHROME_ON_WINDOWS);
    }

    /** Its record exists already: the sign-in's insert fails on it and is rolled back, the session kept as one record. */
    @Test
    void anSsoSignInRightAfterTheFirstKeepsOneRecordAndSignsIn() {
        String userId = realm.createUser("sven");
        Browser browser = realm.browser(CHROME_ON_WINDOWS);
        Tokens tokens = browser.login("sven", TestRealm.PASSWORD);

        assertThat(browser.signsInBySso()).isTrue();
        assertThat(browser.signsInBySso()).isTrue();

        assertThat(only(list(realm, tokens)).path("current").asBoolean()).isTrue();
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ?", userId)).isEqualTo(1);
        assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void offlineSignInIsOneRecordOfTypeOffline() {
        realm.createUser("otto");
        Tokens tokens = realm.loginOffline("otto");

        JsonNode session = only(list(realm, tokens));

        assertThat(session.path("type").asText()).isEqualTo("OFFLINE");
        assertThat(session.path("current").asBoolean()).isTrue();
    }

    @Test
    void hugeUserAgentWithMarkupStillSignsInAndIsStoredTruncated() {
        realm.createUser("hugo");
        // Under 8 KiB: Keycloak 26.4's HTTP server refuses larger request headers (431) by itself.
        String userAgent = "<script>alert(1)</script>" + "x".repeat(6 * 1024);

        Tokens tokens = realm.login("hugo", "openid", Map.of("User-Agent", userAgent));

        JsonNode session = only(list(realm, tokens));
        assertThat(session.path("userAgent").asText()).hasSize(255).isEqualTo(userAgent.substring(0, 255));
        assertThat(session.path("deviceInfo").asText()).isEqualTo("Unknown device");
    }

    @Test
    void spoofedForwardedForHeaderIsIgnoredWithoutProxyOptions() {
        realm.createUser("sally");
        Tokens tokens = realm.login("sally", "openid", Map.of("X-Forwarded-For", "203.0.113.7", "Forwarded",
                "for=203.0.113.8"));

        JsonNode session = only(list(realm, tokens));

        assertThat(session.path("ipAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(session.path("lastIpAddress").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void sessionsThatSignedInBeforeTheListenerWasEnabledAreListed() {
        realm.createUser("early");
        Tokens before = loginWithListenerOff("early");
        Tokens after = realm.login("early");

        List<JsonNode> sessions = list(realm, after);

        assertThat(sessions).hasSize(2);
        JsonNode adopted = sessions.get(1);
        assertThat(adopted.path("current").asBoolean()).isFalse();
        assertThat(adopted.path("ipAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(adopted.path("clients")).extracting(JsonNode::asText).containsExactly(TestRealm.APP);
        assertThat(realm.refresh(before.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void aRefreshOfASessionTheListenerNeverSawRecordsIt() {
        realm.createUser("unseen");
        Tokens before = loginWithListenerOff("unseen");
        assertThat(rowsFor(before)).isZero();

        assertThat(realm.refresh(before.refreshToken()).status()).isEqualTo(200);

        assertThat(rowsFor(before)).isEqualTo(1);
    }

    @Test
    void aSignInIsRecordedWithoutAnyoneListingSessions() {
        realm.createUser("quiet");

        Tokens tokens = realm.login("quiet");

        assertThat(rowsFor(tokens)).isEqualTo(1);
        assertThat(db.count("select count(*) from SM_SESSION where KC_SESSION_ID = ? and USER_AGENT is not null"
                + " and CLIENTS = ?", tokens.sessionId(), TestRealm.APP)).isEqualTo(1);
    }

    /**
     * A new session's record is written in the sign-in's own transaction, so a write failing there
     * must leave the sign-in untouched: the table is renamed away while sign-ins run, then back. The
     * window is counted in sign-ins finished after the rename returned (a rename waits for the
     * writers' locks, longer on some databases than others), so every run has sign-ins in it.
     */
    @Test
    void signInsSucceedWhileTheTableIsBrokenAndAreListedOnceItIsBack() throws Exception {
        realm.createUser("steady");
        long failedBefore = failedRecordWrites();
        Scrape metricsBefore = Scrape.of(realm.server());
        List<Tokens> signedIn = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> signers = IntStream.range(0, 4).mapToObj(i -> pool.submit(() -> {
            while (!stop.get()) {
                signedIn.add(realm.login("steady"));
            }
        })).collect(Collectors.toList());
        try {
            awaitSignIns(signedIn, 10);
            db.update("alter table SM_SESSION rename to SM_SESSION_BROKEN");
            try {
                awaitSignIns(signedIn, signedIn.size() + 20);
            } finally {
                db.update("alter table SM_SESSION_BROKEN rename to SM_SESSION");
            }
            awaitSignIns(signedIn, signedIn.size() + 10);
            stop.set(true);
            for (Future<?> signer : signers) {
                signer.get(2, TimeUnit.MINUTES); // rethrows a failed sign-in
            }
        } finally {
            pool.shutdownNow();
        }

        long failed = failedRecordWrites() - failedBefore;
        assertThat(failed).as("sign-ins that found the table broken").isGreaterThanOrEqualTo(16);
        assertThat(Scrape.of(realm.server()).since(metricsBefore, "keycloak_session_manager_write_failures_total"))
                .isEqualTo(failed);
        assertThat(signedIn).allSatisfy(tokens -> assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200));
        assertThat(list(realm, signedIn.get(0))).hasSize(signedIn.size());
        String userId = Tokens.claims(signedIn.get(0).accessToken()).path("sub").asText();
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'ACTIVE'", userId))
                .isEqualTo(signedIn.size());
    }

    /**
     * After an outage a user's list catches up on several sessions at once: each record is
     * inserted in a transaction of its own, and none may wait on the listing's own locks (on
     * MariaDB that wait ran into the lock wait timeout and a 500).
     */
    @Test
    void aListCatchesUpOnSeveralLostRecordsAtOnce() {
        realm.createUser("lost");
        List<Tokens> signedIn = IntStream.range(0, 4).mapToObj(i -> realm.login("lost")).toList();
        String userId = Tokens.claims(signedIn.get(0).accessToken()).path("sub").asText();
        db.update("delete from SM_SESSION where USER_ID = ?", userId);

        assertThat(list(realm, signedIn.get(0))).extracting(session -> session.path("status").asText())
                .containsExactly("ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE");
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'ACTIVE'", userId))
                .isEqualTo(4);
    }

    private static void awaitSignIns(List<Tokens> signedIn, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (signedIn.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private long failedRecordWrites() {
        return realm.admin().mustGet(realm.adminApi() + "/status").json().path("failedRecordWrites").asLong();
    }

    @Test
    void logoutThroughKeycloakEndsTheRecordAsLoggedOut() {
        realm.createUser("lou");
        Tokens leaving = realm.login("lou");
        Tokens staying = realm.login("lou");

        Http.Reply logout = realm.logout(leaving.refreshToken());

        assertThat(logout.status()).isEqualTo(204);
        assertThat(list(realm, staying)).hasSize(1);
        JsonNode ended = only(history(realm, staying));
        assertThat(ended.path("status").asText()).isEqualTo("LOGGED_OUT");
        assertThat(ended.path("endReason").asText()).isEqualTo("LOGGED_OUT");
        assertThat(ended.path("endedAt").isNull()).isFalse();
    }

    @Test
    void refreshMovesTheStoredLastActivityForward() throws InterruptedException {
        realm.createUser("ray");
        Tokens caller = realm.login("ray");
        Tokens used = realm.login("ray");
        Thread.sleep(2100);

        assertThat(realm.refresh(used.refreshToken()).status()).isEqualTo(200);
        assertThat(Sessions.revoke(realm, caller, Sessions.currentId(realm, used)).status()).isEqualTo(204);

        // Ended sessions show the stored activity only, not Keycloak's own last refresh.
        JsonNode ended = only(history(realm, caller));
        assertThat(Instant.parse(ended.path("lastActive").asText()))
                .isAfterOrEqualTo(Instant.parse(ended.path("createdAt").asText()).plusSeconds(2));
    }

    @Test
    void userinfoAndIntrospectionCountAsActivity() throws InterruptedException {
        realm.createUser("ursula");
        Tokens caller = realm.login("ursula");
        Tokens used = realm.login("ursula");
        Thread.sleep(2100);
        assertThat(realm.userinfo(used.accessToken()).status()).isEqualTo(200);
        Thread.sleep(1100);
        assertThat(realm.introspect(used.accessToken()).path("active").asBoolean()).isTrue();

        assertThat(Sessions.revoke(realm, caller, Sessions.currentId(realm, used)).status()).isEqualTo(204);

        JsonNode ended = only(history(realm, caller));
        assertThat(Instant.parse(ended.path("lastActive").asText()))
                .isAfterOrEqualTo(Instant.parse(ended.path("createdAt").asText()).plusSeconds(3));
    }

    @Test
    void failedSignInRecordsNothing() {
        String userId = realm.createUser("fay");
        realm.login("fay");

        Http.Reply failed = realm.passwordGrant("fay", "wrong-password", "openid", Map.of());

        assertThat(failed.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ?", userId)).isEqualTo(1);
    }

    private long rowsFor(Tokens tokens) {
        return db.count("select count(*) from SM_SESSION where KC_SESSION_ID = ?", tokens.sessionId());
    }

    /** A sign-in the extension's listener does not see, as before it was enabled on a realm. */
    private Tokens loginWithListenerOff(String username) {
        setListeners(List.of("jboss-logging"));
        try {
            return realm.login(username);
        } finally {
            setListeners(List.of("jboss-logging", "session-manager"));
        }
    }

    private void setListeners(List<String> listeners) {
        realm.admin().mustPut("/" + realm.name(), Map.of("eventsListeners", listeners));
    }

    private static JsonNode only(List<JsonNode> sessions) {
        assertThat(sessions).hasSize(1);
        return sessions.get(0);
    }
}
