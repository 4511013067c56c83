package io.sessionmanager.keycloak.config;

/**
 * Which of a user's sessions end when a sign-in factor changes: a password changed or reset, an OTP
 * or passkey added or removed. An administrator's change always ends all unless NONE.
 */
public enum RevokeOnCredentialChange {
    /** Every session but the one that made the change. */
    OTHERS,
    ALL,
    NONE
}
