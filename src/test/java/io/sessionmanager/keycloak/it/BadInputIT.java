package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.net.http.HttpRequest;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input of every kind gets the SPEC's JSON error with a 4xx, never a 5xx, and changes nothing. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    private TestRealm realm;
    private Tokens caller;

    @BeforeAll
    void signIn(KeycloakServer server) {
        realm = TestRealm.create(server, "bad-input");
        realm.createUser("ann");
        caller = realm.login("ann");
    }

    @Test
    void noTokenIsUnauthorizedWithBearerChallenge() {
        Http.Reply reply = Http.get(realm.sessionsUrl(), null);

        assertError(reply, 401, "invalid_token");
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"bad-input\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer not-a-jwt", "Bearer a.b.c", "Basic YW5uOnB3", "Bearer ", "Token abc"})
    void malformedAuthorizationIsUnauthorized(String header) {
        Http.Reply reply = Http.send(Http.request(realm.sessionsUrl()).header("Authorization", header).GET().build());

        assertError(reply, 401, "invalid_token");
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer realm=");
    }

    @Test
    void tamperedSignatureIsUnauthorized() {
        String token = caller.accessToken();
        char last = token.charAt(token.length() - 5);
        String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);

        assertError(Http.get(realm.sessionsUrl(), tampered), 401, "invalid_token");
    }

    @Test
    void tamperedClaimsAreUnauthorized() {
        String[] parts = caller.accessToken().split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"someone-else\",\"exp\":9999999999}".getBytes());

        assertError(Http.get(realm.sessionsUrl(), parts[0] + "." + otherPayload + "." + parts[2]), 401, "invalid_token");
    }

    /** Keycloak before 26.7 answers its own APIs a 500 for these; the extension a 401 on every version. */
    @ParameterizedTest
    @ValueSource(strings = {"none", "HS1024", ""})
    void aTokenSignedWithAnAlgorithmTheRealmHasNoneForIsUnauthorized(String algorithm) {
        String[] parts = caller.accessToken().split("\\.");
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\"}").getBytes());

        assertError(Http.get(realm.sessionsUrl(), header + "." + parts[1] + "."), 401, "invalid_token");
        assertError(Http.delete(realm.sessionsUrl(), header + "." + parts[1] + "." + parts[2]), 401, "invalid_token");
        assertThat(list(realm, caller)).isNotEmpty();
    }

    @Test
    void expiredTokenIsUnauthorized(KeycloakServer server) throws InterruptedException {
        TestRealm shortLived = TestRealm.create(server, "short-tokens");
        shortLived.admin().mustPut("/short-tokens", Map.of("accessTokenLifespan", 2));
        shortLived.createUser("eddie");
        Tokens tokens = shortLived.login("eddie");
        assertThat(Http.get(shortLived.sessionsUrl(), tokens.accessToken()).status()).isEqualTo(200);

        Thread.sleep(3500);

        assertError(Http.get(shortLived.sessionsUrl(), tokens.accessToken()), 401, "invalid_token");
    }

    @Test
    void tokenOfAnotherRealmIsUnauthorized(KeycloakServer server) {
        TestRealm other = TestRealm.create(server, "other-realm");
        other.createUser("ann");
        Tokens foreign = other.login("ann");

        assertError(Http.get(realm.sessionsUrl(), foreign.accessToken()), 401, "invalid_token");
        assertError(revoke(realm, foreign, currentId(realm, caller)), 401, "invalid_token");
    }

    @Test
    void tokenOfARevokedSessionIsUnauthorized() {
        Tokens revoked = realm.login("ann");
        assertThat(revoke(realm, caller, currentId(realm, revoked)).status()).isEqualTo(204);

        assertError(Http.get(realm.sessionsUrl(), revoked.accessToken()), 401, "invalid_token");
        assertError(Http.delete(realm.sessionsUrl(), revoked.accessToken()), 401, "invalid_token");
    }

    /** The revocation guard reads every refresh token before Keycloak does; what it cannot read stays Keycloak's 400. */
    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJub25lIn0.bm90IGpzb24.", "eyJhbGciOiJub25lIn0.e30.", ""})
    void malformedRefreshTokensAreKeycloaksOwnBadRequest(String refreshToken) {
        Http.Reply reply = realm.refresh(refreshToken);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").asText()).isIn("invalid_grant", "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max=-1", "max=abc", "first=-5", "first=abc", "max=0", "max=100000",
            "first=99999999999999999999", "max=1e3", "max=%20"})
    void badPagingParametersAreBadRequests(String query) {
        assertError(Http.get(realm.sessionsUrl() + "?" + query, caller.accessToken()), 400, "invalid_request");
        assertError(Http.get(realm.sessionsUrl() + "/history?" + query, caller.accessToken()), 400, "invalid_request");
    }

    @Test
    void badKeepCurrentIsABadRequestAndRevokesNothing() {
        int before = list(realm, caller).size();

        assertError(Http.delete(realm.sessionsUrl() + "?keepCurrent=maybe", caller.accessToken()), 400, "invalid_request");

        assertThat(list(realm, caller)).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000-0000-0000-0000-000000000000", "not-an-id", "%27%20OR%20%271%27%3D%271",
            "1%3B%20DROP%20TABLE%20SM_SESSION", "history2", "%3Cscript%3E"})
    void unknownOrHostileIdsAreNotFoundAndChangeNothing(String id) {
        int before = list(realm, caller).size();

        assertError(Http.get(realm.sessionsUrl() + "/" + id, caller.accessToken()), 404, "not_found");
        assertError(revoke(realm, caller, id), 404, "not_found");

        assertThat(list(realm, caller)).hasSize(before);
    }

    /**
     * Some input never reaches the extension: Keycloak's HTTP layer refuses over-long request
     * lines, NUL bytes and unnormalised paths itself. Still a client error, never a server error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/aaaaa5000", "?max=%00", "/%2E%2E", "/x%00y"})
    void inputKeycloakRefusesBeforeTheExtensionIsStillAClientError(String suffix) {
        String url = realm.sessionsUrl() + suffix.replace("aaaaa5000", "a".repeat(5000));

        Http.Reply get = Http.get(url, caller.accessToken());
        Http.Reply delete = Http.delete(url, caller.accessToken());

        for (Http.Reply reply : new Http.Reply[] {get, delete}) {
            assertThat(reply.status()).as(reply.body()).isBetween(400, 499);
            assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at org.");
        }
        assertThat(list(realm, caller)).isNotEmpty();
    }

    @Test
    void aLongIdWithinTheServersUrlLimitIsNotFound() {
        String id = "a".repeat(3000);

        assertError(Http.get(realm.sessionsUrl() + "/" + id, caller.accessToken()), 404, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "POST", "PATCH"})
    void otherMethodsAreNotAllowed(String method) {
        String someId = currentId(realm, caller);
        for (String url : new String[] {realm.sessionsUrl(), realm.sessionsUrl() + "/" + someId}) {
            Http.Reply reply = Http.send(Http.request(url)
                    .header("Authorization", "Bearer " + caller.accessToken())
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"status\":\"ACTIVE\"}")).build());
            assertError(reply, 405, "method_not_allowed");
            assertThat(reply.header("Allow")).isEqualTo("GET, DELETE, OPTIONS");
        }
        assertThat(list(realm, caller)).isNotEmpty();
    }

    /** Keycloak itself answers any endpoint a 500 for such a header (its security-headers filter parses it). */
    @ParameterizedTest
    @ValueSource(strings = {";;;", ""})
    void aContentTypeThatIsNoMediaTypeIsABadRequest(String contentType) {
        String sessions = realm.sessionsUrl();
        String admin = realm.server().baseUrl() + "/admin/realms/bad-input/session-manager/config";
        for (String url : new String[] {sessions, sessions + "/" + currentId(realm, caller), admin}) {
            Http.Reply reply = Http.send(Http.request(url).header("Authorization", "Bearer " + caller.accessToken())
                    .header("Content-Type", contentType).GET().build());
            assertError(reply, 400, "invalid_request");
            assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
        assertThat(list(realm, caller)).isNotEmpty();
    }

    /** With a body the server reads it before the API runs, so the header is parsed earlier than for a GET. */
    @ParameterizedTest
    @ValueSource(strings = {";;;", ""})
    void aBodyWhoseContentTypeIsNoMediaTypeIsABadRequest(String contentType) {
        String sessions = realm.sessionsUrl();
        String admin = realm.server().baseUrl() + "/admin/realms/bad-input/session-manager/config";
        for (String url : new String[] {sessions, sessions + "/" + currentId(realm, caller), admin}) {
            for (String method : new String[] {"PUT", "POST", "DELETE"}) {
                Http.Reply reply = Http.send(Http.request(url).header("Authorization", "Bearer " + caller.accessToken())
                        .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
                assertThat(reply.status()).as(method + " " + url).isBetween(400, 499);
                assertThat(reply.json().path("error").asText()).as(method + " " + url).isNotEmpty();
            }
        }
        assertThat(list(realm, caller)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/history/x", "/00000000-0000-0000-0000-000000000000/x", "/a/b/c"})
    void pathsBelowASessionAreNotFound(String suffix) {
        for (String method : new String[] {"GET", "DELETE", "POST", "PUT", "PATCH"}) {
            Http.Reply reply = Http.send(Http.request(realm.sessionsUrl() + suffix)
                    .header("Authorization", "Bearer " + caller.accessToken())
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertError(reply, 404, "not_found");
        }
        assertThat(list(realm, caller)).isNotEmpty();
    }

    private static void assertError(Http.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = reply.json();
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("error_description").asText()).isNotBlank();
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at org.");
    }
}
