package io.sessionmanager.keycloak.compat;

import org.keycloak.crypto.SignatureProvider;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakSession;

/**
 * Whether the server could check a token's signature at all. Before 26.7, Keycloak's bearer-token
 * check dereferences the signature provider of whatever algorithm the token's header names, so a
 * token signed with {@code none} (or any algorithm Keycloak has no provider for) is a {@code 500}
 * instead of a {@code 401}; 26.7 answers such a token as invalid, as this check lets every version do.
 */
public final class TokenAlgorithm {

    private TokenAlgorithm() {
    }

    /** False only for a well-formed token whose algorithm no signature provider serves. */
    public static boolean isVerifiable(KeycloakSession session, String token) {
        String algorithm;
        try {
            algorithm = new JWSInput(token).getHeader().getRawAlgorithm();
        } catch (JWSInputException | RuntimeException e) {
            return true; // not a JWS: Keycloak's own check refuses it cleanly
        }
        return algorithm != null && session.getProvider(SignatureProvider.class, algorithm) != null;
    }
}
