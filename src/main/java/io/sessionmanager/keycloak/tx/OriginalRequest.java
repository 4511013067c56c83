package io.sessionmanager.keycloak.tx;

import org.keycloak.common.ClientConnection;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;

/**
 * The HTTP request revocations run within, given to Keycloak sessions that would otherwise have
 * none: those of the cleanup, which works in transactions of its own, on a timer when scheduled.
 * Keycloak's back-channel logout needs a request: the logout tokens it sends name the realm's URL
 * as their issuer, and the audit event names the caller's IP.
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

    /** A stand-in for work no request asked for: see {@link BackgroundRequest}. */
    public static OriginalRequest background() {
        return new OriginalRequest(new BackgroundRequest(), new NoConnection());
    }

    /** No client, no address; every method spelled out, as Keycloak before 26.7 has no defaults for them. */
    private static final class NoConnection implements ClientConnection {

        @Override
        public String getRemoteAddr() {
            return null;
        }

        @Override
        public String getRemoteHost() {
            return null;
        }

        @Override
        public int getRemotePort() {
            return 0;
        }

        @Override
        public String getLocalAddr() {
            return null;
        }

        @Override
        public int getLocalPort() {
            return 0;
        }
    }

    /** Notes where this node is reached, for {@link #background()}; call it from real requests. */
    public static void remember(KeycloakSession session) {
        BackgroundRequest.remember(session);
    }

    /** Makes {@code session} act within this request. */
    public void applyTo(KeycloakSession session) {
        session.getContext().setHttpRequest(request);
        session.getContext().setConnection(connection);
    }
}
