package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.BackchannelLogoutReceiver;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * SPEC "What revoked means": clients with a back-channel logout URL are notified on every path,
 * including those that end sessions outside the request that asked for it (after it committed, or
 * in a transaction of their own). The scheduled cleanup's path is in {@link ScheduledCleanupIT}.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackchannelLogoutIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long PAST_THE_LIMIT_MILLIS = 3000;

    private final BackchannelLogoutReceiver receiver = new BackchannelLogoutReceiver();
    private KeycloakServer server;
    private TestRealm idleUse;
    private TestRealm idleCleanupMany;
    private TestRealm idleCleanup;
    private Tokens usedOnceIdle;
    private List<Tokens> manyIdle;
    private Tokens oneIdle;
    private long idleSince;

    /** The idle sessions are signed in here and left alone together: one wait covers them all. */
    @BeforeAll
    void signInAndLeaveIdle(KeycloakServer server) {
        this.server = server;
        idleUse = realm("backchannel-idle-use", Map.of("maxInactivity", "PT2S"));
        idleUse.createUser("ida");
        usedOnceIdle = idleUse.login("ida");
        idleCleanupMany = realm("backchannel-cleanup-many", Map.of("maxInactivity", "PT2S"));
        idleCleanupMany.createUser("ivy");
        manyIdle = List.of(idleCleanupMany.loginOffline("ivy"), idleCleanupMany.login("ivy"),
                idleCleanupMany.login("ivy"));
        idleCleanup = realm("backchannel-cleanup", Map.of("maxInactivity", "PT2S"));
        idleCleanup.createUser("cleo");
        oneIdle = idleCleanup.loginOffline("cleo");
        idleSince = System.nanoTime();
    }

    private void awaitPastTheLimit() throws InterruptedException {
        Thread.sleep(Math.max(0, PAST_THE_LIMIT_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince)));
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void anIdleSessionEndedAtItsFirstUseIsAnnounced() throws InterruptedException {
        awaitPastTheLimit();

        assertRefreshRefused(idleUse.refresh(usedOnceIdle.refreshToken()));
        assertThat(receiver.awaitLogoutOf(usedOnceIdle.sessionId(), WAIT)).isTrue();
    }

    @Test
    void everySessionOfASignOutEverywhereIsAnnounced() throws InterruptedException {
        TestRealm realm = realm("backchannel-everywhere", Map.of());
        realm.createUser("eve");
        Tokens offline = realm.loginOffline("eve");
        Tokens other = realm.login("eve");
        Tokens caller = realm.login("eve");

        assertThat(Http.delete(realm.sessionsUrl(), caller.accessToken()).json().path("revoked").asInt()).isEqualTo(3);

        for (Tokens ended : List.of(offline, other, caller)) {
            assertThat(receiver.awaitLogoutOf(ended.sessionId(), WAIT)).as(ended.sessionId()).isTrue();
        }
    }

    @Test
    void everyIdleSessionOfOneCleanupIsAnnounced() throws InterruptedException {
        awaitPastTheLimit();

        Http.Reply cleanup = idleCleanupMany.admin().post(idleCleanupMany.adminApi() + "/cleanup", "");
        assertThat(cleanup.json().path("ended").asLong()).isEqualTo(3);
        for (Tokens ended : manyIdle) {
            assertThat(receiver.awaitLogoutOf(ended.sessionId(), WAIT)).as(ended.sessionId()).isTrue();
        }
    }

    @Test
    void idleSessionsTheCleanupEndsAreAnnounced() throws InterruptedException {
        awaitPastTheLimit();

        Http.Reply cleanup = idleCleanup.admin().post(idleCleanup.adminApi() + "/cleanup", "");
        assertThat(cleanup.json().path("ended").asLong()).isEqualTo(1);
        assertThat(receiver.awaitLogoutOf(oneIdle.sessionId(), WAIT)).isTrue();
    }

    @Test
    void theChangingSessionThatPolicyAllEndsAfterTheChangeIsAnnounced() throws InterruptedException {
        TestRealm realm = realm("backchannel-password-all", Map.of("revokeOnPasswordChange", "ALL"));
        realm.createUser("alma");
        Browser laptop = realm.browser("Mozilla/5.0 Firefox/121.0");
        Tokens changing = laptop.login("alma", TestRealm.PASSWORD);

        catchThrowable(() -> laptop.changePassword("a-new-long-passphrase"));

        assertRefreshRefused(realm.refresh(changing.refreshToken()));
        assertThat(receiver.awaitLogoutOf(changing.sessionId(), WAIT)).isTrue();
    }

    /**
     * Keycloak's own sign-out of a user ends its online sessions (announcing them itself) and keeps
     * its offline ones, which the extension then ends after that request: those are announced too.
     */
    @Test
    void offlineSessionsEndedAfterKeycloaksSignOutOfAUserAreAnnounced() throws InterruptedException {
        TestRealm realm = realm("backchannel-admin-logout", Map.of());
        String userId = realm.createUser("otto");
        Tokens offline = realm.loginOffline("otto");

        realm.admin().mustPost("/" + realm.name() + "/users/" + userId + "/logout", "");

        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(receiver.awaitLogoutOf(offline.sessionId(), WAIT)).isTrue();
    }

    private TestRealm realm(String name, Map<String, Object> policy) {
        TestRealm realm = TestRealm.create(server, name);
        if (!policy.isEmpty()) {
            realm.admin().mustPut(realm.adminApi() + "/config", policy);
        }
        realm.announceLogoutsTo(receiver.url());
        return realm;
    }
}
