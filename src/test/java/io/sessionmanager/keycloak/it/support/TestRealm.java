package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final KeycloakServer server;
    private final Admin admin;
    private final String name;

    private TestRealm(KeycloakServer server, String name) {
        this.server = server;
        this.admin = new Admin(server);
        this.name = name;
    }

    public static TestRealm create(KeycloakServer server, String name) {
        TestRealm realm = new TestRealm(server, name);
        realm.admin.mustPost("", Map.of(
                "realm", name,
                "enabled", true,
                "eventsEnabled", true,
                "eventsListeners", List.of("jboss-logging", "session-manager"),
                "passwordPolicy", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
                "clients", List.of(app(), resourceServer())));
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

    public String name() {
        return name;
    }

    public Admin admin() {
        return admin;
    }

    public KeycloakServer server() {
        return server;
    }

    public String url() {
        return server.realmUrl(name);
    }

    public String sessionsUrl() {
        return url() + "/sessions";
    }

    /** Creates an enabled user with a complete profile and {@link #PASSWORD}; returns its id. */
    public String createUser(String username) {
        Http.Reply created = admin.mustPost("/" + name + "/users", Map.of(
                "username", username,
                "enabled", true,
                "email", username + "@example.org",
                "emailVerified", true,
                "firstName", username,
                "lastName", "Tester",
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

    public Tokens login(String username) {
        return login(username, "openid", Map.of());
    }

    public Tokens loginOffline(String username) {
        return login(username, "openid offline_access", Map.of());
    }

    /** A password-grant sign-in through {@value #APP}, with extra request headers. */
    public Tokens login(String username, String scope, Map<String, String> headers) {
        Http.Reply reply = passwordGrant(username, PASSWORD, scope, headers);
        if (reply.status() != 200) {
            throw new AssertionError("login failed: " + reply.status() + " " + reply.body());
        }
        return Tokens.of(reply.json());
    }

    /** A password-grant sign-in through another, confidential client. */
    public Tokens login(String clientId, String secret, String username) {
        Http.Reply reply = Http.send(Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("grant_type", "password", "client_id", clientId, "client_secret", secret,
                        "username", username, "password", PASSWORD, "scope", "openid"))).build());
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

    /**
     * A sign-in through Keycloak's login page, as a browser does it: the authorization request,
     * the login form, and the code exchange. Each call is a new device (a new cookie jar).
     */
    public Tokens browserLogin(String username, String userAgent) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieJar())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String authUrl = url() + "/protocol/openid-connect/auth?client_id=" + APP + "&response_type=code&scope=openid"
                + "&redirect_uri=" + Http.encode(REDIRECT_URI);
        Http.Reply page = Http.send(browser, Http.request(authUrl).header("User-Agent", userAgent).GET().build());
        Matcher action = FORM_ACTION.matcher(page.body());
        if (!action.find()) {
            throw new AssertionError("No login form: " + page.status() + " " + page.body());
        }
        Http.Reply submitted = Http.send(browser, Http.request(action.group(1).replace("&amp;", "&"))
                .header("User-Agent", userAgent)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("username", username, "password", PASSWORD))).build());
        String location = submitted.header("Location");
        if (submitted.status() != 302 || location == null || !location.startsWith(REDIRECT_URI)) {
            throw new AssertionError("Login did not redirect back: " + submitted.status() + " " + submitted.body());
        }
        String code = query(location).get("code");
        Http.Reply tokens = Http.send(browser, Http.request(tokenUrl())
                .header("User-Agent", userAgent)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("grant_type", "authorization_code", "client_id", APP, "code", code,
                        "redirect_uri", REDIRECT_URI))).build());
        if (tokens.status() != 200) {
            throw new AssertionError("code exchange failed: " + tokens.status() + " " + tokens.body());
        }
        return Tokens.of(tokens.json());
    }

    public Http.Reply refresh(String refreshToken) {
        return Http.send(Http.request(tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("grant_type", "refresh_token", "client_id", APP,
                        "refresh_token", refreshToken))).build());
    }

    /** Keycloak's own back-channel logout by refresh token, as an application signs a user out. */
    public Http.Reply logout(String refreshToken) {
        return Http.send(Http.request(url() + "/protocol/openid-connect/logout")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", APP, "refresh_token", refreshToken))).build());
    }

    public JsonNode introspect(String token) {
        Http.Reply reply = Http.send(Http.request(url() + "/protocol/openid-connect/token/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", RESOURCE_SERVER, "client_secret", RESOURCE_SERVER_SECRET,
                        "token", token))).build());
        return reply.json();
    }

    public Http.Reply userinfo(String accessToken) {
        return Http.get(url() + "/protocol/openid-connect/userinfo", accessToken);
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

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String query = URI.create(url).getRawQuery();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        return params;
    }
}
