package io.sessionmanager.keycloak.access;

import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.representations.AccessToken;
import org.keycloak.util.TokenUtil;

/**
 * The session a token (refresh, access, offline, identity cookie) names, read without verifying
 * it. It only decides whether to check that session: what the token names is ended or refused only
 * if that session is revoked or idle anyway, and Keycloak verifies every token it goes on to use.
 */
record UnverifiedToken(String sessionId, boolean offline) {

    /** The token's session, or null when it cannot be read or names none. */
    static UnverifiedToken read(String token) {
        if (token == null) {
            return null;
        }
        try {
            AccessToken jwt = TokenVerifier.create(token, AccessToken.class).getToken();
            return jwt.getSessionId() == null ? null
                    : new UnverifiedToken(jwt.getSessionId(), TokenUtil.TOKEN_TYPE_OFFLINE.equals(jwt.getType()));
        } catch (VerificationException | RuntimeException e) {
            return null;
        }
    }
}
