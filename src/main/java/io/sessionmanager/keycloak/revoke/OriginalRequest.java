package io.sessionmanager.keycloak.revoke;

import org.keycloak.common.ClientConnection;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;

/**
 * The HTTP request that caused a revocation, carried to the Keycloak session that carries it out
 * (after the request committed, or in a transaction of its own). Keycloak's back-channel logout
 * needs a request: the logout tokens it sends name the realm's URL as their issuer, and the audit
 * event names the caller's IP.
 */
public record OriginalRequest(HttpRequest request, ClientConnection connection) {

    /** The request {@code session} serves; null outside of one. */
    public static OriginalRequest of(KeycloakSession session) {
        try {
            return new OriginalRequest(session.getContext().getHttpRequest(), session.getContext().getConnection());
        } catch (RuntimeException e) {
            // Keycloak's context throws when no request is active (timers, start-up).
            return null;
        }
    }

    /** Makes {@code session} act within this request. */
    public void applyTo(KeycloakSession session) {
        session.getContext().setHttpRequest(request);
        session.getContext().setConnection(connection);
    }
}
