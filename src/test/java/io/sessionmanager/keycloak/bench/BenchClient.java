package io.sessionmanager.keycloak.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** HTTP/1.1 client of the benchmark: sign-ins, refreshes and API calls against one server. */
final class BenchClient {

    static final String APP = "test-app";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    BenchClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A password grant; returns the token response, or null when it failed. */
    JsonNode login(String realm, String username, String password) throws IOException, InterruptedException {
        return token(realm, Map.of("grant_type", "password", "client_id", APP, "username", username,
                "password", password));
    }

    /** A password grant from a browser with this user agent. */
    JsonNode login(String realm, String username, String password, String userAgent)
            throws IOException, InterruptedException {
        return token(realm, Map.of("grant_type", "password", "client_id", APP, "username", username,
                "password", password), userAgent);
    }

    /** Ends the session of a refresh token, as an application's sign-out does; true when it did. */
    boolean logout(String realm, String refreshToken) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(Http.form(Map.of("client_id", APP, "refresh_token", refreshToken))).build()).statusCode() == 204;
    }

    JsonNode refresh(String realm, String refreshToken) throws IOException, InterruptedException {
        return token(realm, Map.of("grant_type", "refresh_token", "client_id", APP, "refresh_token", refreshToken));
    }

    int get(String path, String bearer) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").GET().build()).statusCode();
    }

    int delete(String path, String bearer) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").DELETE().build()).statusCode();
    }

    private JsonNode token(String realm, Map<String, String> form) throws IOException, InterruptedException {
        return token(realm, form, null);
    }

    private JsonNode token(String realm, Map<String, String> form, String userAgent)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (userAgent != null) {
            request.header("User-Agent", userAgent);
        }
        HttpResponse<String> response = send(request.POST(Http.form(form)).build());
        return response.statusCode() == 200 ? Http.JSON.readTree(response.body()) : null;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
