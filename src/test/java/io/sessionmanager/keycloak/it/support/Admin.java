package io.sessionmanager.keycloak.it.support;

import java.util.Map;

/** Keycloak's admin REST API as the bootstrap admin; re-authenticates as its short token ages. */
public final class Admin {

    private static final long TOKEN_REUSE_MILLIS = 30_000;

    private final KeycloakServer server;
    private String token;
    private long tokenAt;

    public Admin(KeycloakServer server) {
        this.server = server;
    }

    public Http.Reply get(String path) {
        return Http.get(url(path), token());
    }

    public Http.Reply post(String path, Object body) {
        return Http.postJson(url(path), token(), body);
    }

    /** A POST that may take long, such as a cleanup of a million rows. */
    public Http.Reply post(String path, Object body, java.time.Duration timeout) {
        return Http.send(Http.request(url(path)).timeout(timeout).header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.toJson(body))).build());
    }

    public Http.Reply put(String path, Object body) {
        return Http.putJson(url(path), token(), body);
    }

    public Http.Reply delete(String path) {
        return Http.delete(url(path), token());
    }

    public Http.Reply deleteJson(String path, Object body) {
        return Http.send(Http.request(url(path)).header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.toJson(body))).build());
    }

    /** Like {@link #post} but fails the test on anything but 2xx. */
    public Http.Reply mustPost(String path, Object body) {
        return check(post(path, body), "POST " + path);
    }

    public Http.Reply mustPut(String path, Object body) {
        return check(put(path, body), "PUT " + path);
    }

    public Http.Reply mustGet(String path) {
        return check(get(path), "GET " + path);
    }

    public Http.Reply mustDelete(String path) {
        return check(delete(path), "DELETE " + path);
    }

    /** The server's providers, themes and features ({@code /admin/serverinfo}). */
    public Http.Reply serverInfo() {
        return check(Http.get(server.baseUrl() + "/admin/serverinfo", token()), "GET /admin/serverinfo");
    }

    private static Http.Reply check(Http.Reply reply, String what) {
        if (reply.status() / 100 != 2) {
            throw new AssertionError(what + " -> " + reply.status() + ": " + reply.body());
        }
        return reply;
    }

    private String url(String path) {
        return server.baseUrl() + "/admin/realms" + path;
    }

    /** The bootstrap admin's token, for a request the helpers here do not send. */
    public String accessToken() {
        return token();
    }

    private synchronized String token() {
        if (token == null || System.currentTimeMillis() - tokenAt > TOKEN_REUSE_MILLIS) {
            Http.Reply reply = Http.send(Http.request(server.realmUrl("master") + "/protocol/openid-connect/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(Http.form(Map.of("grant_type", "password", "client_id", "admin-cli",
                            "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD)))
                    .build());
            token = reply.json().path("access_token").asText();
            tokenAt = System.currentTimeMillis();
        }
        return token;
    }
}
