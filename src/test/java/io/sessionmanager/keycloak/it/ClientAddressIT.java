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

import java.time.Instant;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a reverse proxy ({@code --proxy-headers=xforwarded}), as in production: the addresses
 * are those Keycloak's {@code ClientConnection} takes from the proxy's headers. That lets the test
 * choose them, so the place a session signed in from and the place it was last seen differ. On the
 * shared production node.
 */
@ExtendWith(ProductionNode.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAddressIT {

    private static final String FIRST = "203.0.113.7";
    private static final String LATER = "198.51.100.4";
    private static final String APP_SERVER = "192.0.2.80";
    private static final String WEB_APP = "web-app";
    private static final String WEB_APP_SECRET = "web-app-secret";

    private DistributionServer server;
    private TestRealm realm;

    @BeforeAll
    void start(DistributionServer server) {
        this.server = server;
        // The proxy would terminate TLS; these requests come in plain HTTP from public addresses.
        realm = TestRealm.create(server, "behind-a-proxy", Map.of("sslRequired", "none"));
        realm.admin().mustPost("/" + realm.name() + "/clients", Map.of("clientId", WEB_APP, "publicClient", false,
                "secret", WEB_APP_SECRET, "directAccessGrantsEnabled", true));
    }

    @Test
    void aSessionShowsWhereItSignedInAndWhereItWasLastSeen() throws InterruptedException {
        realm.createUser("trav");
        Tokens signedIn = realm.login("trav", "openid", Map.of("X-Forwarded-For", FIRST));
        Thread.sleep(1100);

        Tokens refreshed = Tokens.of(realm.refresh(signedIn.refreshToken(), Map.of("X-Forwarded-For", LATER)).json());

        JsonNode session = list(realm, refreshed).get(0);
        assertThat(session.path("ipAddress").asText()).isEqualTo(FIRST);
        assertThat(session.path("lastIpAddress").asText()).isEqualTo(LATER);
    }

    /**
     * A confidential client refreshes, calls userinfo and has tokens introspected from servers:
     * their addresses are not where the user is, so "last seen from" keeps the device's.
     */
    @Test
    void requestsFromAnApplicationsServerDoNotMoveLastSeenFrom() throws InterruptedException {
        String userId = realm.createUser("wendy");
        Tokens signedIn = realm.loginThrough(WEB_APP, WEB_APP_SECRET, "wendy", Map.of("X-Forwarded-For", FIRST));
        Thread.sleep(1100);

        Http.Reply refreshed = realm.refresh(signedIn.refreshToken(), WEB_APP, WEB_APP_SECRET,
                Map.of("X-Forwarded-For", APP_SERVER));
        assertThat(refreshed.status()).isEqualTo(200);
        Thread.sleep(1100);
        realm.introspect(Tokens.of(refreshed.json()).accessToken());

        JsonNode session = realm.admin().mustGet(realm.adminApi() + "/users/" + userId + "/sessions").json().get(0);
        assertThat(session.path("lastIpAddress").asText()).isEqualTo(FIRST);
        assertThat(Instant.parse(session.path("lastActive").asText()))
                .as("the refresh still counts as activity").isAfter(Instant.parse(session.path("createdAt").asText()));
    }
}
