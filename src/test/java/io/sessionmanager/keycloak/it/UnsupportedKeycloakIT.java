package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Admin;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a Keycloak outside the supported range ({@code -Dkeycloak.unsupported.version}, one Maven
 * Central serves) the JAR must never be what stops the server: it starts, the log says once why the
 * extension is off, and Keycloak works as if the JAR were not there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsupportedKeycloakIT {

    private static final String VERSION = System.getProperty("keycloak.unsupported.version", "26.3.5");

    private DistributionServer server;
    private Admin admin;

    @BeforeAll
    void start() {
        server = DistributionServer.startVersion(VERSION, "it-unsupported", List.of());
        admin = new Admin(server);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theServerStartsAndTheLogSaysOnceThatTheExtensionIsOff() throws IOException {
        String line = "Session Manager supports Keycloak 26.4 to 26.7; this is Keycloak " + VERSION
                + ", so the extension is disabled";

        List<String> told = Files.readAllLines(server.log()).stream().filter(l -> l.contains(line)).toList();

        assertThat(told).hasSize(1);
        assertThat(told.get(0)).contains("WARN");
    }

    @Test
    void noneOfItsProvidersIsRegistered() {
        JsonNode providers = admin.serverInfo().json().path("providers");

        assertThat(providers.path("eventsListener").path("providers").has("session-manager")).isFalse();
        assertThat(providers.path("eventsListener").path("providers").has("session-manager-policy")).isFalse();
        assertThat(providers.path("realm-restapi-extension").path("providers").has("sessions")).isFalse();
        assertThat(providers.path("session-manager").path("providers").size()).isZero();
        assertThat(Http.get(server.realmUrl("master") + "/sessions", null).status()).isEqualTo(404);
    }

    @Test
    void keycloakItselfSignsInRefreshesAndSignsOut() {
        TestRealm realm = TestRealm.create(server, "plain", Map.of("eventsListeners", List.of("jboss-logging")));
        realm.createUser("ada");

        Tokens tokens = realm.login("ada");

        assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200);
        assertThat(realm.logout(tokens.refreshToken()).status()).isEqualTo(204);
        assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(400);
    }
}
