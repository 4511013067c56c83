package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC "Lifecycle", inactivity: the realm's {@code maxInactivity} holds at the moment a session is
 * used, not only when someone lists sessions or the cleanup runs. The realm's limit is 3 s, far
 * below Keycloak's own idle timeouts (30 min online, 30 days offline), which would let every use
 * here through.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InactivityIT {

    private static final long PAST_THE_LIMIT_MILLIS = 4500;

    private final Map<String, Tokens> idleSessions = new HashMap<>();
    private TestRealm realm;
    private Browser ssoBrowser;
    private long idleSince;

    /**
     * Every idle session is signed in here and left alone from then on, so that one wait covers
     * them all; each test then makes the first use of its own.
     */
    @BeforeAll
    void signInAndLeaveIdle(KeycloakServer server) {
        realm = TestRealm.create(server, "inactivity");
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("maxInactivity", "PT3S"));
        for (String username : List.of("rita", "ines", "uma", "abe")) {
            realm.createUser(username);
            idleSessions.put(username, realm.login(username));
        }
        realm.createUser("otto");
        idleSessions.put("otto", realm.loginOffline("otto"));
        realm.createUser("sso");
        ssoBrowser = realm.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
        idleSessions.put("sso", ssoBrowser.login("sso", TestRealm.PASSWORD));
        assertThat(ssoBrowser.signsInBySso()).isTrue();
        idleSince = System.nanoTime();
    }

    /** The user's session once it has been left alone past the limit. */
    private Tokens idle(String username) throws InterruptedException {
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
        Thread.sleep(Math.max(0, PAST_THE_LIMIT_MILLIS - idleMillis));
        return idleSessions.get(username);
    }

    @Test
    void anIdleSessionsRefreshIsRefusedAndEndsItForInactivity() throws InterruptedException {
        Tokens idle = idle("rita");

        Http.Reply refresh = realm.refresh(idle.refreshToken());
        assertRefreshRefused(refresh);
        assertThat(realm.introspect(idle.refreshToken()).path("active").asBoolean()).isFalse();
        assertEndedForInactivity("rita");
    }

    @Test
    void anIdleOfflineSessionsRefreshIsRefused() throws InterruptedException {
        Tokens idle = idle("otto");

        Http.Reply refresh = realm.refresh(idle.refreshToken());
        assertRefreshRefused(refresh);
        assertEndedForInactivity("otto");
    }

    @Test
    void introspectingAnIdleSessionsTokenSaysInactiveAndEndsIt() throws InterruptedException {
        Tokens idle = idle("ines");

        assertThat(realm.introspect(idle.accessToken()).path("active").asBoolean()).isFalse();
        Http.Reply refresh = realm.refresh(idle.refreshToken());
        assertRefreshRefused(refresh);
        assertEndedForInactivity("ines");
    }

    @Test
    void userinfoWithAnIdleSessionsTokenIsUnauthorizedAndEndsIt() throws InterruptedException {
        Tokens idle = idle("uma");

        assertThat(realm.userinfo(idle.accessToken()).status()).isEqualTo(401);
        assertThat(realm.introspect(idle.refreshToken()).path("active").asBoolean()).isFalse();
        assertEndedForInactivity("uma");
    }

    @Test
    void thisApiRefusesAnIdleSessionsTokenAndEndsIt() throws InterruptedException {
        Tokens idle = idle("abe");

        assertThat(Http.get(realm.sessionsUrl(), idle.accessToken()).status()).isEqualTo(401);
        assertThat(realm.introspect(idle.refreshToken()).path("active").asBoolean()).isFalse();
        assertEndedForInactivity("abe");
    }

    @Test
    void anIdleBrowserSessionIsNotLetInBySsoAndEnds() throws InterruptedException {
        Tokens idle = idle("sso");

        assertThat(ssoBrowser.signsInBySso()).isFalse();
        assertThat(realm.introspect(idle.refreshToken()).path("active").asBoolean()).isFalse();
        assertEndedForInactivity("sso");
    }

    @Test
    void aSessionInUseIsNeverEndedForInactivity() throws InterruptedException {
        realm.createUser("busy");
        Tokens tokens = realm.login("busy");

        for (int i = 0; i < 4; i++) {
            Thread.sleep(1500);
            Http.Reply refresh = realm.refresh(tokens.refreshToken());
            assertThat(refresh.status()).as("refresh %d", i).isEqualTo(200);
            tokens = Tokens.of(refresh.json());
            assertThat(realm.introspect(tokens.accessToken()).path("active").asBoolean()).isTrue();
            assertThat(realm.userinfo(tokens.accessToken()).status()).isEqualTo(200);
        }

        assertThat(list(realm, tokens)).singleElement()
                .satisfies(s -> assertThat(s.path("status").asText()).isEqualTo("ACTIVE"));
    }

    /** The user signs in anew to look: the idle session is in the history, ended for inactivity. */
    private void assertEndedForInactivity(String username) {
        Tokens fresh = realm.login(username);
        assertThat(list(realm, fresh)).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
        JsonNode ended = history(realm, fresh).get(0);
        assertThat(ended.path("status").asText()).isEqualTo("EXPIRED");
        assertThat(ended.path("endReason").asText()).isEqualTo("INACTIVITY");
    }
}
