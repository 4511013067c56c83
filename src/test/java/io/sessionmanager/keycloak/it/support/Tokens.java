package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The tokens of one sign-in, and the session id ({@code sid}) they belong to; {@code idToken} is
 * empty where the response had none (a refresh keeps the one from the sign-in in the race's loops).
 */
public record Tokens(String accessToken, String refreshToken, String idToken) {

    public static Tokens of(JsonNode response) {
        return new Tokens(response.path("access_token").asText(), response.path("refresh_token").asText(),
                response.path("id_token").asText());
    }

    public String sessionId() {
        return claims(accessToken).path("sid").asText();
    }

    public static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        try {
            return Http.JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
