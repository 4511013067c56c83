package io.sessionmanager.keycloak.sessions;

import java.time.Duration;

/**
 * When a session dies if unused ({@code idleExpiresAt}) and at the latest ({@code expiresAt}),
 * from Keycloak's own deadlines capped by the realm's maximum inactivity. Epoch milliseconds.
 */
public record SessionDeadlines(long idleExpiresAt, long expiresAt) {

    /**
     * @param keycloakIdle  Keycloak's idle deadline
     * @param keycloakMax   Keycloak's max-lifespan deadline, or -1 when the session has none
     * @param lastActive    the last activity seen for the session
     * @param maxInactivity the realm's inactivity limit
     */
    public static SessionDeadlines of(long keycloakIdle, long keycloakMax, long lastActive, Duration maxInactivity) {
        long inactivityDeadline = lastActive + maxInactivity.toMillis();
        long expiresAt = keycloakMax < 0 ? inactivityDeadline : Math.min(keycloakMax, inactivityDeadline);
        return new SessionDeadlines(Math.min(keycloakIdle, expiresAt), expiresAt);
    }

    /**
     * The later of two deadlines: a sign-in with online and offline sessions lives while either
     * does. The idle deadline stays within the hard end, whichever session each came from.
     */
    public SessionDeadlines orLater(SessionDeadlines other) {
        long end = Math.max(expiresAt, other.expiresAt);
        return new SessionDeadlines(Math.min(Math.max(idleExpiresAt, other.idleExpiresAt), end), end);
    }
}
