package io.sessionmanager.keycloak.config;

/** Which of a user's sessions a password change or reset ends. An admin reset always ends all unless NONE. */
public enum RevokeOnPasswordChange {
    /** Every session but the one that changed the password. */
    OTHERS,
    ALL,
    NONE
}
