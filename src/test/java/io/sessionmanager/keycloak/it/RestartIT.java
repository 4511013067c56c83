package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.ProductionNode;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything the extension knows lives in Keycloak's database, so a restart loses nothing:
 * on PostgreSQL, sessions, a revocation and the history are the same after it, and a token
 * revoked before it is still refused. Restarts the shared production node.
 */
@ExtendWith(ProductionNode.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartIT {

    private static final String TAB_TYPE = "org.keycloak.services.ui.extend.UiTabProvider";

    private DistributionServer server;
    private TestRealm realm;

    @BeforeAll
    void start(DistributionServer server) {
        this.server = server;
        realm = TestRealm.create(server, "restart");
        realm.createUser("rita");
    }

    @Test
    void sessionsRevocationsAndHistorySurviveARestart() {
        Tokens kept = realm.login("rita");
        Tokens offline = realm.loginOffline("rita");
        Tokens revoked = realm.login("rita");
        String revokedId = currentId(realm, revoked);
        assertThat(revoke(realm, kept, revokedId).status()).isEqualTo(204);
        List<String> activeBefore = ids(list(realm, kept));
        saveTheTabFormAsItWasBeforeDurationsHadUnits();

        server.restart();

        assertThat(ids(list(realm, kept))).containsExactlyInAnyOrderElementsOf(activeBefore).hasSize(2);
        assertThat(history(realm, kept)).anySatisfy(ended -> {
            assertThat(ended.path("id").asText()).isEqualTo(revokedId);
            assertThat(ended.path("endReason").asText()).isEqualTo("USER_REVOKED");
        });
        assertRefreshRefused(realm.refresh(revoked.refreshToken()));
        assertThat(realm.introspect(revoked.accessToken()).path("active").asBoolean()).isFalse();
        assertThat(realm.userinfo(revoked.accessToken()).status()).isEqualTo(401);
        assertThat(realm.refresh(kept.refreshToken()).status()).isEqualTo(200);
        assertThat(realm.refresh(offline.refreshToken()).status()).isEqualTo(200);
        JsonNode form = realm.admin().mustGet("/" + realm.name() + "/components?type=" + TAB_TYPE).json().get(0);
        assertThat(form.path("config").path("maxInactivity").get(0).asText()).isEqualTo("36");
        assertThat(form.path("config").path("maxInactivityUnit").get(0).asText()).isEqualTo("hours");
        assertThat(form.path("config").path("revokeOnPasswordChange").get(0).asText()).isEqualTo("None");
    }

    /** The admin console's number fields could not show "PT36H": the restart writes the form again, from the policy. */
    private void saveTheTabFormAsItWasBeforeDurationsHadUnits() {
        Http.Reply saved = Http.postJson(server.baseUrl() + "/admin/realms/" + realm.name() + "/components",
                realm.admin().accessToken(), Map.of("name", "session-manager", "providerId", "session-manager",
                        "providerType", TAB_TYPE, "parentId", realm.id(),
                        "config", Map.of("maxInactivity", List.of("PT36H"), "revokeOnPasswordChange", List.of("NONE"))));
        assertThat(saved.status()).isEqualTo(201);
    }

    private static List<String> ids(List<JsonNode> sessions) {
        return sessions.stream().map(s -> s.path("id").asText()).toList();
    }
}
