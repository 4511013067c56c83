package io.sessionmanager.keycloak.model;

/** Where a recorded session is in its life. Every status but ACTIVE is final. */
public enum SessionStatus {
    ACTIVE,
    REVOKED,
    LOGGED_OUT,
    EXPIRED
}
