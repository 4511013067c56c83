package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No lost updates: while sessions are revoked one by one, refreshes keep writing their activity
 * (the suite's server records it at most once a second per session) and lists keep reconciling
 * the records with Keycloak. Each of these writes read its record before the revocation committed
 * in some rounds; none may put the record back to {@code ACTIVE} or replace its end reason.
 */
@ExtendWith(KeycloakExtension.class)
class EndReasonIT {

    private static final int SESSIONS = 200;
    private static final int REFRESHERS = 4;

    @Test
    void everyRevokedRecordKeepsItsEndReason(KeycloakServer server) throws Exception {
        TestRealm realm = TestRealm.create(server, "end-reasons");
        String userId = realm.createUser("rhea");
        List<Tokens> tokens = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            tokens.add(realm.login("rhea"));
        }
        String sessionsPath = realm.adminApi() + "/users/" + userId + "/sessions";
        List<String> ids = new ArrayList<>();
        realm.admin().mustGet(sessionsPath + "?max=" + SESSIONS).json().forEach(s -> ids.add(s.path("id").asText()));
        assertThat(ids).hasSize(SESSIONS);

        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService background = Executors.newFixedThreadPool(REFRESHERS + 1);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < REFRESHERS; i++) {
            running.add(background.submit(() -> {
                while (!stopped.get()) {
                    realm.refresh(tokens.get(ThreadLocalRandom.current().nextInt(SESSIONS)).refreshToken());
                }
            }));
        }
        running.add(background.submit(() -> {
            while (!stopped.get()) {
                realm.admin().get(sessionsPath);
            }
        }));
        try {
            for (String id : ids) {
                assertThat(realm.admin().delete(sessionsPath + "/" + id).status()).isEqualTo(204);
            }
        } finally {
            stopped.set(true);
            for (Future<?> loop : running) {
                loop.get(60, TimeUnit.SECONDS);
            }
            background.shutdownNow();
        }

        assertThat(realm.admin().mustGet(sessionsPath).json()).isEmpty();
        JsonNode history = realm.admin().mustGet(sessionsPath + "/history?max=" + SESSIONS).json();
        List<String> reasons = new ArrayList<>();
        history.forEach(s -> reasons.add(s.path("status").asText() + " " + s.path("endReason").asText()));
        assertThat(reasons).hasSize(SESSIONS).containsOnly("REVOKED ADMIN_REVOKED");
    }
}
