package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the extension's meters on Keycloak's {@code /metrics} (management port,
 * {@code --metrics-enabled=true}) move by exactly what happened: two sign-ins from two devices, one
 * revocation, a refresh the race guard refuses, a cleanup that ends one idle session.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    private static final String PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    private static final String LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    private static final long PAST_THE_LIMIT_MILLIS = 4500;

    private KeycloakServer server;
    private TestRealm realm;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        this.server = server;
        realm = TestRealm.create(server, "metrics");
    }

    @Test
    void countersMoveByExactlyWhatHappened() throws InterruptedException {
        realm.createUser("mia");
        Scrape before = Scrape.of(server);

        Tokens phone = realm.login("mia", "openid", Map.of("User-Agent", PHONE));
        Tokens laptop = realm.login("mia", "openid", Map.of("User-Agent", LAPTOP));
        assertThat(revoke(realm, laptop, currentId(realm, phone)).status()).isEqualTo(204);
        assertThat(realm.refresh(phone.refreshToken()).status()).isEqualTo(400);
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("maxInactivity", "PT3S", "historyRetention", "P0D"));
        Thread.sleep(PAST_THE_LIMIT_MILLIS);
        JsonNode cleanup = realm.admin().mustPost(realm.adminApi() + "/cleanup", "").json();
        Scrape after = Scrape.of(server);

        assertThat(after.since(before, "keycloak_session_manager_signins_total", "realm", "metrics")).isEqualTo(2);
        assertThat(after.since(before, "keycloak_session_manager_new_devices_total", "realm", "metrics")).isEqualTo(1);
        assertThat(ended(before, after, "USER_REVOKED")).isEqualTo(1);
        assertThat(ended(before, after, "INACTIVITY")).isEqualTo(1);
        assertThat(after.since(before, "keycloak_session_manager_race_guard_total", "action", "refused")).isEqualTo(1);
        assertThat(cleanup.path("ended").asLong()).isEqualTo(1);
        assertThat(after.since(before, "keycloak_session_manager_cleanup_rows_total", "action", "ended")).isEqualTo(1);
        assertThat(after.since(before, "keycloak_session_manager_cleanup_rows_total", "action", "deleted"))
                .isEqualTo(cleanup.path("deleted").asLong()).isPositive();
        assertThat(after.since(before, "keycloak_session_manager_cleanup_seconds_count", "outcome", "success"))
                .isEqualTo(1);
        assertThat(after.since(before, "keycloak_session_manager_cleanup_seconds_sum", "outcome", "success"))
                .isPositive();
        assertThat(after.since(before, "keycloak_session_manager_write_failures_total")).isZero();
    }

    @Test
    void aSignInTheListenerRecordsOnlyOnceCountsOnce() {
        realm.createUser("sso");
        Scrape before = Scrape.of(server);

        Tokens tokens = realm.login("sso");
        assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200);
        assertThat(Http.get(realm.sessionsUrl(), tokens.accessToken()).status()).isEqualTo(200);

        Scrape after = Scrape.of(server);
        assertThat(after.since(before, "keycloak_session_manager_signins_total", "realm", "metrics")).isEqualTo(1);
        assertThat(after.since(before, "keycloak_session_manager_new_devices_total", "realm", "metrics")).isZero();
    }

    private static double ended(Scrape before, Scrape after, String reason) {
        return after.since(before, "keycloak_session_manager_sessions_ended_total", "realm", "metrics", "reason", reason);
    }
}
