package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * A realm made for one test class through the admin API: the session-manager listener on, events
 * stored, cheap password hashing, a public client {@value #APP} (password grant and code flow),
 * and a confidential {@value #RESOURCE_SERVER} that introspects {@value #APP}'s tokens.
 */
public final class TestRealm {

    public static final String APP = "test-app";
    public static final String RESOURCE_SERVER = "resource-server";
    public static final String RESOURCE_SERVER_SECRET = "resource-server-secret";
    public static final String PASSWORD = "correct-horse-battery";
    public static final String REDIRECT_URI = "http://localhost/callback";

    private final KeycloakServer server;
    private final Admin admin;
    private final String name;

    private TestRealm(KeycloakServer server, String name) {
        this.server = server;
        this.admin = new Admin(server);
        this.name = name;
    }

    public static TestRealm create(KeycloakServer server, String name) {
        return create(server, name, Map.of());
    }

    /** A realm with more realm settings, as in a realm representation. */
    public static TestRealm create(KeycloakServer server, String name, Map<String, Object> settings) {
        TestRealm realm = new TestRealm(server, name);
        Map<String, Object> representation = new HashMap<>(Map.of(
                "realm", name,
                "enabled", true,
                "eventsEnabled", true,
                "eventsListeners", List.of("jboss-logging", "session-manager"),
                "passwordPolicy", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
                "clients", List.of(app(), resourceServer())));
        representation.putAll(settings);
        realm.admin.mustPost("", representation);
        return realm;
    }

    private static Map<String, Object> app() {
        return Map.of(
                "clientId", APP,
                "publicClient", true,
                "directAccessGrantsEnabled", true,
                "standardFlowEnabled", true,
                "redirectUris", List.of(REDIRECT_URI),
                "webOrigins", List.of("http://app.example"),
                // Keycloak 26 only introspects tokens whose audience names the introspecting client.
                "protocolMappers", List.of(Map.of(
                        "name", "resource-server-audience",
                        "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.client.audience", RESOURCE_SERVER,
                                "access.token.claim", "true", "id.token.claim", "false"))));
    }

    private static Map<String, Object> resourceServer() {
        return Map.of(
                "clientId", RESOURCE_SERVER,
                "publicClient", false,
                "secret", RESOURCE_SERVER_SECRET,
                "serviceAccountsEnabled", true,
                "standardFlowEnabled", false);
    }

    /** This realm as another node of the same cluster serves it. */
    public TestRealm on(KeycloakServer node) {
        return new TestRealm(node, name);
    }

    public String name() {
        return name;
    }

    public Admin admin() {
        return admin;
    }

    public KeycloakServer server() {
        return server;
    }

    /** The realm's internal id, as stored in the extension's table. */
    public String id() {
        return admin.mustGet("/" + name).json().path("id").asText();
    }

    /** Path of the extension's admin API for this realm, relative to {@code /admin/realms}. */
    public String adminApi() {
        return "/" + name + "/session-manager";
    }

    public String url() {
        return server.realmUrl(name);
    }

    public String sessionsUrl() {
        return url() + "/sessions";
    }

    /** Creates an enabled user with a complete profile and {@link #PASSWORD}; returns its id. */
    public String createUser(String username) {
        return createUser(username, Map.of());
    }

    /** A user with attributes, such as {@code locale}. */
    public String createUser(String username, Map<String, List<String>> attributes) {
        Http.Reply created = admin.mustPost("/" + name + "/users", Map.of(
                "username", username,
                "enabled", true,
                "email", username + "@example.org",
                "emailVerified", true,
                "firstName", username,
                "lastName", "Tester",
                "attributes", attributes,
                "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        String location = created.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /**
     * Takes the realm's default roles away from a user and grants only the given roles of the
     * {@code account} client, to test what each account role allows.
     */
    public void replaceAccountRoles(String userId, String... accountRoles) {
        String realmPath = "/" + name;
        JsonNode defaultRoles = admin.mustGet(realmPath + "/roles/default-roles-" + name).json();
        Http.Reply removed = admin.deleteJson(realmPath + "/users/" + userId + "/role-mappings/realm", List.of(defaultRoles));
        if (removed.status() != 204) {
            throw new AssertionError("could not remove default roles: " + removed.status() + " " + removed.body());
        }
        String accountId = admin.mustGet(realmPath + "/clients?clientId=account").json().get(0).path("id").asText();
        List<JsonNode> roles = new ArrayList<>();
        for (String role : accountRoles) {
            roles.add(admin.mustGet(realmPath + "/clients/" + accountId + "/roles/" + role).json());
        }
        if (!roles.isEmpty()) {
            admin.mustPost(realmPath + "/users/" + userId + "/role-mappings/clients/" + accountId, roles);
        }
    }

    /**
     * Gives {@value #APP} a back-channel logout URL, as a relying party that wants to hear when its
     * sessions end: Keycloak then posts a logout token there for each of them that is logged out.
     */
    public void announceLogoutsTo(String backchannelLogoutUrl) {
        ObjectNode app = (ObjectNode) admin.mustGet("/" + name + "/clients?clientId=" + APP).json().get(0);
        app.put("frontchannelLogout", false);
        app.with("attributes").put("backchannel.logout.url", backchannelLogoutUrl)
                .put("backchannel.logout.session.required", "true");
        admin.mustPut("/" + name + "/clients/" + app.path("id").asText(), app);
    }

    /** Grants roles of the realm's {@code realm-management} client, making the user an admin of this realm. */
    public void grantRealmManagementRoles(String userId, String... roles) {
        String realmPath = "/" + name;
        String clientId = admin.mustGet(realmPath + "/clients?clientId=realm-management").json().get(0).path("id").asText();
        List<JsonNode> reps = new ArrayList<>();
        for (String role : roles) {
            reps.add(admin.mustGet(realmPath + "/clients/" + clientId + "/roles/" + role).json());
        }
        admin.mustPost(realmPath + "/users/" + userId + "/role-mappings/clients/" + clientId, reps);
    }

    /** An admin-API token of one of this realm's users, through the realm's own {@code admin-cli}. */
    public String adminCliToken(String username) {
        Http.Reply reply = Http.send(Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", username, "password", PASSWORD))).build());
        return reply.json().path("access_token").asText();
    }

    public Tokens login(String username) {
        return login(username, "openid", Map.of());
    }

    /** {@code count} sign-ins of one user, several at a time: a user with many devices, or a bot. */
    public List<Tokens> loginMany(String username, int count) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Tokens>> signIns = IntStream.range(0, count)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> login(username), pool)).toList();
            return signIns.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    public Tokens loginOffline(String username) {
        return login(username, "openid offline_access", Map.of());
    }

    /** A password-grant sign-in through {@value #APP}, with extra request headers. */
    public Tokens login(String username, String scope, Map<String, String> headers) {
        return login(username, PASSWORD, scope, headers);
    }

    public Tokens login(String username, String password, String scope, Map<String, String> headers) {
        Http.Reply reply = passwordGrant(username, password, scope, headers);
        if (reply.status() != 200) {
            throw new AssertionError("login failed: " + reply.status() + " " + reply.body());
        }
        return Tokens.of(reply.json());
    }

    /** A password-grant sign-in through another, confidential client. */
    public Tokens login(String clientId, String secret, String username) {
        return loginThrough(clientId, secret, username, Map.of());
    }

    /** As {@link #login(String, String, String)}, with extra request headers. */
    public Tokens loginThrough(String clientId, String secret, String username, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        Http.Reply reply = Http.send(request.POST(Http.form(Map.of("grant_type", "password", "client_id", clientId,
                "client_secret", secret, "username", username, "password", PASSWORD, "scope", "openid"))).build());
        if (reply.status() != 200) {
            throw new AssertionError("login failed: " + reply.status() + " " + reply.body());
        }
        return Tokens.of(reply.json());
    }

    public Http.Reply passwordGrant(String username, String password, String scope, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        return Http.send(request.POST(Http.form(Map.of("grant_type", "password", "client_id", APP,
                "username", username, "password", password, "scope", scope))).build());
    }

    /** A new device with a browser: its own cookie jar and user agent. */
    public Browser browser(String userAgent) {
        return new Browser(this, userAgent);
    }

    /** A sign-in through Keycloak's login page from a new device. */
    public Tokens browserLogin(String username, String userAgent) {
        return browser(userAgent).login(username, PASSWORD);
    }

    public Http.Reply refresh(String refreshToken) {
        return refresh(refreshToken, Map.of());
    }

    /** A refresh through {@value #APP}, with extra request headers. */
    public Http.Reply refresh(String refreshToken, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        return Http.send(request.POST(Http.form(Map.of("grant_type", "refresh_token", "client_id", APP,
                "refresh_token", refreshToken))).build());
    }

    /** A refresh through a confidential client, from its server (with extra request headers). */
    public Http.Reply refresh(String refreshToken, String clientId, String secret, Map<String, String> headers) {
        HttpRequest.Builder request = Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        return Http.send(request.POST(Http.form(Map.of("grant_type", "refresh_token", "client_id", clientId,
                "client_secret", secret, "refresh_token", refreshToken))).build());
    }

    /** Keycloak's own back-channel logout by refresh token, as an application signs a user out. */
    public Http.Reply logout(String refreshToken) {
        return Http.send(Http.request(url() + "/protocol/openid-connect/logout")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", APP, "refresh_token", refreshToken))).build());
    }

    /** Keycloak's introspection of the token by the resource server; anything but a 200 fails the test. */
    public JsonNode introspect(String token) {
        Http.Reply reply = introspection(token);
        if (reply.status() != 200) {
            throw new AssertionError("introspection answered " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }

    /** Keycloak's introspection of the token by the resource server, whatever it answers. */
    public Http.Reply introspection(String token) {
        return Http.send(Http.request(url() + "/protocol/openid-connect/token/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", RESOURCE_SERVER, "client_secret", RESOURCE_SERVER_SECRET,
                        "token", token))).build());
    }

    public Http.Reply userinfo(String accessToken) {
        return Http.get(url() + "/protocol/openid-connect/userinfo", accessToken);
    }

    /** Keycloak's own account REST API: the user's profile, as an application reads it with a bearer token. */
    public Http.Reply account(String accessToken) {
        return Http.send(Http.request(url() + "/account")
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json").GET().build());
    }

    /** Keycloak's own admin REST API, as a realm administrator's console reads the users with a bearer token. */
    public Http.Reply adminUsers(String accessToken) {
        return Http.get(server.baseUrl() + "/admin/realms/" + name + "/users?max=1", accessToken);
    }

    /** Keycloak's token revocation endpoint (RFC 7009), as {@value #APP} revokes a token it holds. */
    public Http.Reply revokeToken(String token) {
        return Http.send(Http.request(url() + "/protocol/openid-connect/revoke")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", APP, "token", token))).build());
    }

    /** Keycloak's own account REST API list of the user's sessions. */
    public Http.Reply accountSessions(String accessToken) {
        return Http.send(Http.request(url() + "/account/sessions")
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json").GET().build());
    }

    public String serviceAccountToken() {
        Http.Reply reply = Http.send(Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("grant_type", "client_credentials", "client_id", RESOURCE_SERVER,
                        "client_secret", RESOURCE_SERVER_SECRET))).build());
        return reply.json().path("access_token").asText();
    }

    private String tokenUrl() {
        return url() + "/protocol/openid-connect/token";
    }
}
