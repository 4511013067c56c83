package io.sessionmanager.keycloak.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class UnverifiedTokenTest {

    @Test
    void readsTheSessionIdOfARefreshToken() {
        assertThat(UnverifiedToken.read(jwt("{\"typ\":\"Refresh\",\"sid\":\"abc-123\"}")))
                .isEqualTo(new UnverifiedToken("abc-123", false));
    }

    @Test
    void tellsAnOfflineTokenFromOthers() {
        assertThat(UnverifiedToken.read(jwt("{\"typ\":\"Offline\",\"sid\":\"abc-123\"}")))
                .isEqualTo(new UnverifiedToken("abc-123", true));
    }

    @Test
    void aTokenWithoutSessionNamesNone() {
        assertThat(UnverifiedToken.read(jwt("{\"typ\":\"Refresh\"}"))).isNull();
    }

    /** Whatever cannot be read is left to Keycloak, which refuses it with its own 400. */
    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "a.b.c", "..", "eyJhbGciOiJub25lIn0.bm90IGpzb24.", "\u0000"})
    void unreadableTokensNameNoSession(String token) {
        assertThat(UnverifiedToken.read(token)).isNull();
    }

    @Test
    void noTokenNamesNoSession() {
        assertThat(UnverifiedToken.read(null)).isNull();
    }

    private static String jwt(String claims) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"HS512\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }
}
