package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Admin;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "Admin API": any user's sessions for administrators, the realm's policy, cleanup now. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {

    private TestRealm realm;
    private Admin admin;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        realm = TestRealm.create(server, "admin-api");
        admin = realm.admin();
    }

    @Test
    void listsAnyUsersActiveSessionsAndHistory() {
        String userId = realm.createUser("uma");
        Tokens first = realm.login("uma");
        realm.loginOffline("uma");
        String ended = currentId(realm, realm.login("uma"));
        Http.delete(realm.sessionsUrl() + "/" + ended, first.accessToken());

        JsonNode active = admin.mustGet(realm.adminApi() + "/users/" + userId + "/sessions").json();
        JsonNode history = admin.mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").json();

        assertThat(active).hasSize(2).allSatisfy(s -> assertThat(s.path("current").asBoolean()).isFalse());
        assertThat(active).extracting(s -> s.path("type").asText()).containsExactlyInAnyOrder("ONLINE", "OFFLINE");
        assertThat(history).singleElement().satisfies(s -> assertThat(s.path("id").asText()).isEqualTo(ended));
    }

    /** Keycloak's server info (the admin console's Provider info) shows the extension's version and the options in force. */
    @Test
    void theServerInfoShowsTheVersionAndTheSettingsInForce() {
        JsonNode info = admin.serverInfo().json().path("providers").path("session-manager").path("providers")
                .path("default").path("operationalInfo");

        String jar = java.nio.file.Path.of(System.getProperty("provider.jar")).getFileName().toString();
        assertThat(jar).contains("-" + info.path("version").asText() + ".jar");
        assertThat(info.path("cleanup-initial-delay").asText()).isEqualTo("PT24H");
        assertThat(info.path("max-inactivity").asText()).isEqualTo("P7D");
        assertThat(info.path("revoke-on-credential-change").asText()).isEqualTo("OTHERS");
    }

    @Test
    void noAnswerMayBeCached() {
        String userId = realm.createUser("nora");
        realm.login("nora");

        assertThat(admin.mustGet(realm.adminApi() + "/users/" + userId + "/sessions").header("Cache-Control"))
                .isEqualTo("no-store");
        assertThat(admin.mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").header("Cache-Control"))
                .isEqualTo("no-store");
        assertThat(admin.mustGet(realm.adminApi() + "/config").header("Cache-Control")).isEqualTo("no-store");
        Http.Reply unknownUser = admin.get(realm.adminApi() + "/users/no-such-user/sessions");
        assertThat(unknownUser.status()).isEqualTo(404);
        assertThat(unknownUser.header("Cache-Control")).isEqualTo("no-store");
    }

    /**
     * The policy attributes can be set around the admin API (a realm import, Keycloak's realm
     * update): values that do not parse fall back to the server defaults, field by field, with one
     * warning, and everything keeps working until an administrator saves the policy again.
     */
    @Test
    void aStoredPolicyThatDoesNotParseFallsBackToTheDefaultsUntilSavedAgain() throws IOException {
        TestRealm broken = TestRealm.create(realm.server(), "admin-api-broken-policy");
        admin.mustPut("/" + broken.name(), Map.of("attributes", Map.of("sessionManager.maxInactivity", "one week",
                "sessionManager.historyRetention", "P10D", "sessionManager.notifyNewDevice", "maybe")));
        String userId = broken.createUser("bert");
        Tokens caller = broken.login("bert");
        Tokens other = broken.login("bert");

        for (int i = 0; i < 3; i++) {
            assertThat(list(broken, caller)).hasSize(2);
        }
        JsonNode inForce = admin.mustGet(broken.adminApi() + "/config").json();
        assertThat(inForce.path("maxInactivity").asText()).isEqualTo("P7D");
        assertThat(inForce.path("historyRetention").asText()).isEqualTo("P10D");
        assertThat(inForce.path("notifyNewDevice").asBoolean()).isFalse();
        admin.mustPut("/" + broken.name() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", "another-long-passphrase", "temporary", false));
        assertRefreshRefused(broken.refresh(other.refreshToken()));
        assertThat(warningsAbout(broken)).isEqualTo(1);

        admin.mustPut(broken.adminApi() + "/config", Map.of("historyRetention", "P20D"));

        JsonNode attributes = admin.mustGet("/" + broken.name()).json().path("attributes");
        assertThat(attributes.path("sessionManager.maxInactivity").asText()).isEqualTo("P7D");
        assertThat(attributes.path("sessionManager.historyRetention").asText()).isEqualTo("P20D");
        assertThat(attributes.path("sessionManager.notifyNewDevice").asText()).isEqualTo("false");
        assertThat(warningsAbout(broken)).isEqualTo(1);
    }

    @Test
    void revokesOneSessionAsAdminRevoked() {
        String userId = realm.createUser("vic");
        Tokens kept = realm.login("vic");
        Tokens revoked = realm.login("vic");

        Http.Reply reply = admin.delete(realm.adminApi() + "/users/" + userId + "/sessions/" + currentId(realm, revoked));

        assertThat(reply.status()).isEqualTo(204);
        assertRefreshRefused(realm.refresh(revoked.refreshToken()));
        assertThat(realm.refresh(kept.refreshToken()).status()).isEqualTo(200);
        JsonNode history = admin.mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").json();
        assertThat(history).singleElement()
                .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("ADMIN_REVOKED"));
    }

    @Test
    void revokesEverySessionOfAUserOfflineIncluded() {
        String userId = realm.createUser("walt");
        Tokens online = realm.login("walt");
        Tokens offline = realm.loginOffline("walt");

        Http.Reply reply = admin.delete(realm.adminApi() + "/users/" + userId + "/sessions");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("revoked").asInt()).isEqualTo(2);
        assertRefreshRefused(realm.refresh(online.refreshToken()));
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
    }

    @Test
    void unknownUsersAndSessionsAreNotFound() {
        String userId = realm.createUser("xena");
        Tokens tokens = realm.login("xena");

        assertThat(admin.get(realm.adminApi() + "/users/no-such-user/sessions").status()).isEqualTo(404);
        assertThat(admin.delete(realm.adminApi() + "/users/no-such-user/sessions").status()).isEqualTo(404);
        assertThat(admin.delete(realm.adminApi() + "/users/" + userId + "/sessions/00000000-0000-0000-0000-000000000000")
                .status()).isEqualTo(404);
        assertThat(admin.get(realm.adminApi() + "/users/" + "u".repeat(300) + "/sessions").status()).isEqualTo(404);
        assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void configStartsAtTheServerDefaults() {
        TestRealm fresh = TestRealm.create(realm.server(), "admin-api-defaults");

        JsonNode config = admin.mustGet(fresh.adminApi() + "/config").json();

        assertThat(config.path("maxInactivity").asText()).isEqualTo("P7D");
        assertThat(config.path("historyRetention").asText()).isEqualTo("P30D");
        assertThat(config.path("revokeOnCredentialChange").asText()).isEqualTo("OTHERS");
        assertThat(config.path("revokeOnPasswordChange").asText()).isEqualTo("OTHERS");
        assertThat(config.path("notifyNewDevice").isBoolean()).isTrue();
        assertThat(config.path("notifyNewDevice").asBoolean()).isFalse();
    }

    @Test
    void configChangesAreStoredWithTheRealm() {
        TestRealm configured = TestRealm.create(realm.server(), "admin-api-config");

        Http.Reply put = admin.put(configured.adminApi() + "/config",
                Map.of("maxInactivity", "P14D", "historyRetention", "P90D", "revokeOnCredentialChange", "ALL"));

        assertThat(put.status()).isEqualTo(200);
        JsonNode config = admin.mustGet(configured.adminApi() + "/config").json();
        assertThat(config.path("maxInactivity").asText()).isEqualTo("P14D");
        assertThat(config.path("historyRetention").asText()).isEqualTo("P90D");
        assertThat(config.path("revokeOnCredentialChange").asText()).isEqualTo("ALL");
        assertThat(config.path("revokeOnPasswordChange").asText()).isEqualTo("ALL");
        assertThat(config.path("notifyNewDevice").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"maxInactivity\":\"7 days\"}", "{\"maxInactivity\":\"P0D\"}",
            "{\"historyRetention\":\"P-1D\"}", "{\"revokeOnPasswordChange\":\"SOMETIMES\"}",
            "{\"revokeOnCredentialChange\":\"ALL\",\"revokeOnPasswordChange\":\"NONE\"}",
            "{\"notifyNewDevice\":\"yes\"}", "{\"unknownOption\":1}", "[1,2]", "\"P7D\"", "{not json", "",
            "{\"maxInactivity\":\"P1D\",\"historyRetention\":\"forever\"}"})
    void invalidConfigIsABadRequestAndChangesNothing(String body) {
        TestRealm configured = TestRealm.create(realm.server(), "admin-api-invalid-" + Math.abs(body.hashCode()));
        JsonNode before = admin.mustGet(configured.adminApi() + "/config").json();

        Http.Reply put = admin.put(configured.adminApi() + "/config", body);

        assertThat(put.status()).as(put.body()).isEqualTo(400);
        assertThat(put.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(put.json().path("error_description").asText()).isNotBlank();
        assertThat(admin.mustGet(configured.adminApi() + "/config").json()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded"})
    void configInAnotherMediaTypeIsUnsupportedAndChangesNothing(String contentType) {
        JsonNode before = admin.mustGet(realm.adminApi() + "/config").json();

        Http.Reply put = Http.send(Http.request(realm.server().baseUrl() + "/admin/realms" + realm.adminApi() + "/config")
                .header("Authorization", "Bearer " + realm.admin().accessToken()).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"maxInactivity\":\"PT1M\"}")).build());

        assertThat(put.status()).as(put.body()).isEqualTo(415);
        assertThat(put.json().path("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(admin.mustGet(realm.adminApi() + "/config").json()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "POST", "DELETE", "PATCH"})
    void pathsTheApiDoesNotHaveAreNotFound(String method) {
        for (String path : new String[] {"", "/nothing", "/users", "/config/x"}) {
            Http.Reply reply = Http.send(Http.request(realm.server().baseUrl() + "/admin/realms" + realm.adminApi() + path)
                    .header("Authorization", "Bearer " + realm.admin().accessToken())
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(reply.status()).as(method + " " + path + ": " + reply.body()).isIn(404, 405);
            assertThat(reply.json().path("error_description").asText()).as(reply.body()).isNotBlank();
        }
    }

    @Test
    void viewUsersMaySeeButNotRevokeNorConfigure() {
        String userId = realm.createUser("yuri");
        Tokens session = realm.login("yuri");
        String auditorId = realm.createUser("auditor");
        realm.grantRealmManagementRoles(auditorId, "view-users");
        String token = realm.adminCliToken("auditor");
        String base = realm.server().baseUrl() + "/admin/realms" + realm.adminApi();

        assertThat(Http.get(base + "/users/" + userId + "/sessions", token).status()).isEqualTo(200);
        assertThat(Http.delete(base + "/users/" + userId + "/sessions", token).status()).isEqualTo(403);
        assertThat(Http.delete(base + "/users/" + userId + "/sessions/" + currentId(realm, session), token).status())
                .isEqualTo(403);
        assertThat(Http.putJson(base + "/config", token, Map.of("maxInactivity", "P1D")).status()).isEqualTo(403);
        assertThat(Http.postJson(base + "/cleanup", token, "").status()).isEqualTo(403);
        assertThat(realm.refresh(session.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void aUserWithoutAdminRolesIsForbidden() {
        String userId = realm.createUser("zoe");
        String token = realm.adminCliToken("zoe");
        String base = realm.server().baseUrl() + "/admin/realms" + realm.adminApi();

        assertThat(Http.get(base + "/users/" + userId + "/sessions", token).status()).isEqualTo(403);
        assertThat(Http.get(base + "/config", token).status()).isEqualTo(403);
    }

    @Test
    void cleanupNowReportsWhatItDid() {
        TestRealm cleaned = TestRealm.create(realm.server(), "admin-api-cleanup");
        cleaned.createUser("carl");
        Tokens caller = cleaned.login("carl");
        String ended = currentId(cleaned, cleaned.login("carl"));
        Http.delete(cleaned.sessionsUrl() + "/" + ended, caller.accessToken());
        admin.mustPut(cleaned.adminApi() + "/config", Map.of("historyRetention", "P0D"));

        Http.Reply first = admin.post(cleaned.adminApi() + "/cleanup", "");
        Http.Reply second = admin.post(cleaned.adminApi() + "/cleanup", "");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("ended").asLong()).isZero();
        assertThat(first.json().path("deleted").asLong()).isEqualTo(1);
        assertThat(second.json().path("deleted").asLong()).isZero();
        assertThat(list(cleaned, caller)).hasSize(1);
    }


    private long warningsAbout(TestRealm broken) throws IOException {
        String warning = "Realm " + broken.name() + " has invalid session-manager attributes";
        return Files.readAllLines(realm.server().log()).stream().filter(line -> line.contains(warning)).count();
    }
}
