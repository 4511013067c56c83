package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.OpenApiContract;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: docs/openapi.yaml is the API's contract. Every operation of both APIs is called into
 * each of its documented answers, success and error, and each real reply is checked against the
 * document: status documented, body valid against its schema. The last test requires that every
 * response the document describes was seen, so neither side can drift from the other.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT {

    private static final Path DOCUMENT = Path.of("docs/openapi.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";

    private KeycloakServer server;
    private TestRealm realm;
    private OpenApiContract contract;
    private String userId;
    private Tokens owner;
    private Tokens viewer;
    private Tokens withoutRoles;
    private String noRolesAdmin;

    @BeforeAll
    void setUp(KeycloakServer server) throws IOException {
        this.server = server;
        contract = OpenApiContract.load(DOCUMENT);
        realm = TestRealm.create(server, "openapi");
        userId = realm.createUser("olga");
        owner = realm.login("olga");
        realm.loginOffline("olga");
        realm.replaceAccountRoles(realm.createUser("vera"), "view-profile");
        viewer = realm.login("vera");
        realm.replaceAccountRoles(realm.createUser("nobody"));
        withoutRoles = realm.login("nobody");
        realm.createUser("clerk");
        noRolesAdmin = realm.adminCliToken("clerk");
    }

    @Test
    @Order(1)
    void theServedDocumentIsTheOneInTheRepositoryNamingTheRealmsServer() throws IOException {
        Http.Reply served = call("GET", realm.sessionsUrl() + "/openapi.yaml", null, 200);

        JsonNode document = YAML.readTree(served.body());
        // Neither a Frontend URL nor a hostname: the server's path, never the request's Host header.
        assertThat(document.at("/servers/0/url").asText()).isEqualTo("/");
        assertThat(document.at("/components/parameters/realm/schema/default").asText()).isEqualTo("openapi");
        ((ObjectNode) document).remove("servers");
        ((ObjectNode) document.at("/components/parameters/realm/schema")).remove("default");
        JsonNode repository = YAML.readTree(Files.readString(DOCUMENT));
        ((ObjectNode) repository).remove("servers");
        assertThat(document).isEqualTo(repository);
        assertThat(served.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    /** A realm with a Frontend URL of its own is reached there: its document says so. */
    @Test
    @Order(1)
    void aRealmsFrontendUrlIsTheServedServer() {
        TestRealm fronted = TestRealm.create(server, "openapi-fronted",
                Map.of("attributes", Map.of("frontendUrl", "https://sso.example.org/auth")));

        Http.Reply served = call("GET", fronted.sessionsUrl() + "/openapi.yaml", null, 200);

        assertThat(served.body()).contains("  - url: \"https://sso.example.org/auth\"\n")
                .contains("schema: {type: string, default: \"openapi-fronted\"}");
    }

    @Test
    @Order(1)
    void userApiReads() {
        String sessions = realm.sessionsUrl();
        call("GET", sessions, owner.accessToken(), 200);
        call("GET", sessions + "?max=0", owner.accessToken(), 400);
        call("GET", sessions, null, 401);
        call("GET", sessions, withoutRoles.accessToken(), 403);

        call("GET", sessions + "/history", owner.accessToken(), 200);
        call("GET", sessions + "/history?first=-1", owner.accessToken(), 400);
        call("GET", sessions + "/history", "not.a.token", 401);
        call("GET", sessions + "/history", withoutRoles.accessToken(), 403);

        String current = currentId(realm, owner);
        call("GET", sessions + "/" + current, owner.accessToken(), 200);
        call("GET", sessions + "/" + current, null, 401);
        call("GET", sessions + "/" + current, withoutRoles.accessToken(), 403);
        call("GET", sessions + "/" + NO_SUCH_ID, owner.accessToken(), 404);
    }

    @Test
    @Order(2)
    void userApiRevocations() {
        String sessions = realm.sessionsUrl();
        Tokens other = realm.login("olga");
        call("DELETE", sessions + "/" + currentId(realm, other), owner.accessToken(), 204);
        call("DELETE", sessions + "/" + NO_SUCH_ID, null, 401);
        call("DELETE", sessions + "/" + currentId(realm, viewer), viewer.accessToken(), 403);
        call("DELETE", sessions + "/" + NO_SUCH_ID, owner.accessToken(), 404);

        call("DELETE", sessions + "?keepCurrent=maybe", owner.accessToken(), 400);
        call("DELETE", sessions, null, 401);
        call("DELETE", sessions, viewer.accessToken(), 403);
        call("DELETE", sessions + "?keepCurrent=true", owner.accessToken(), 200);
    }

    @Test
    @Order(3)
    void adminApiOnAUsersSessions() {
        String user = realm.adminApi() + "/users/" + userId;
        String admin = realm.admin().accessToken();
        String session = currentId(realm, realm.login("olga"));
        String noUser = realm.adminApi() + "/users/" + NO_SUCH_ID;

        callAdmin("GET", user + "/sessions", admin, 200);
        callAdmin("GET", user + "/sessions?max=1001", admin, 400);
        callAdmin("GET", user + "/sessions", noRolesAdmin, 403);
        callAdmin("GET", noUser + "/sessions", admin, 404);

        callAdmin("GET", user + "/sessions/history", admin, 200);
        callAdmin("GET", user + "/sessions/history?first=x", admin, 400);
        callAdmin("GET", user + "/sessions/history", noRolesAdmin, 403);
        callAdmin("GET", noUser + "/sessions/history", admin, 404);

        callAdmin("DELETE", user + "/sessions/" + session, noRolesAdmin, 403);
        callAdmin("DELETE", user + "/sessions/" + NO_SUCH_ID, admin, 404);
        callAdmin("DELETE", user + "/sessions/" + session, admin, 204);

        callAdmin("DELETE", user + "/sessions", noRolesAdmin, 403);
        callAdmin("DELETE", noUser + "/sessions", admin, 404);
        callAdmin("DELETE", user + "/sessions", admin, 200);
    }

    @Test
    @Order(3)
    void adminApiOnTheRealm() {
        String api = realm.adminApi();
        String admin = realm.admin().accessToken();

        callAdmin("GET", api + "/config", admin, 200);
        callAdmin("GET", api + "/config", noRolesAdmin, 403);
        sendAdmin("PUT", api + "/config", admin, "application/json", "{\"maxInactivity\":\"P30D\"}", 200);
        sendAdmin("PUT", api + "/config", admin, "application/json", "{\"maxInactivity\":\"soon\"}", 400);
        sendAdmin("PUT", api + "/config", noRolesAdmin, "application/json", "{}", 403);
        sendAdmin("PUT", api + "/config", admin, "text/plain", "maxInactivity=P1D", 415);

        sendAdmin("POST", api + "/cleanup", admin, "application/json", "", 200);
        sendAdmin("POST", api + "/cleanup", noRolesAdmin, "application/json", "", 403);
        callAdmin("GET", api + "/cleanup", admin, 200);
        callAdmin("GET", api + "/cleanup", noRolesAdmin, 403);

        callAdmin("GET", api + "/status", admin, 200);
        callAdmin("GET", api + "/status", noRolesAdmin, 403);
    }

    @Test
    @Order(3)
    void adminApiWithoutAToken() {
        String api = realm.adminApi();
        String user = api + "/users/" + userId;
        callAdmin("GET", user + "/sessions", null, 401);
        callAdmin("DELETE", user + "/sessions", null, 401);
        callAdmin("GET", user + "/sessions/history", null, 401);
        callAdmin("DELETE", user + "/sessions/" + NO_SUCH_ID, null, 401);
        callAdmin("GET", api + "/config", null, 401);
        sendAdmin("PUT", api + "/config", null, "application/json", "{}", 401);
        sendAdmin("POST", api + "/cleanup", null, "application/json", "", 401);
        callAdmin("GET", api + "/cleanup", null, 401);
        callAdmin("GET", api + "/status", null, 401);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyDocumentedResponseWasSeen() {
        assertThat(contract.seen()).containsExactlyElementsOf(contract.documented());
    }

    private Http.Reply callAdmin(String method, String adminPath, String token, int expected) {
        return sendAdmin(method, adminPath, token, null, null, expected);
    }

    private Http.Reply call(String method, String url, String token, int expected) {
        return send(method, url, token, null, null, expected);
    }

    private Http.Reply sendAdmin(String method, String adminPath, String token, String contentType, String body,
                                 int expected) {
        return send(method, server.baseUrl() + "/admin/realms" + adminPath, token, contentType, body, expected);
    }

    /** Sends the request, checks the reply against the document, and that it is the answer the test meant to get. */
    private Http.Reply send(String method, String url, String token, String contentType, String body, int expected) {
        HttpRequest.Builder request = Http.request(url)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        Http.Reply reply = Http.send(request.build());
        String path = URI.create(url).getPath();
        OpenApiContract.Check check = contract.check(method, path, reply);

        assertThat(check.problems()).as(check.response()).isEmpty();
        assertThat(reply.status()).as(method + " " + url + ": " + reply.body()).isEqualTo(expected);
        return reply;
    }
}
