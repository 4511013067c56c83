package io.sessionmanager.keycloak.config;

/**
 * Which of a user's sessions end when a sign-in factor changes: a password changed or reset, an OTP
 * or passkey added or removed. An administrator's change always ends all unless NONE.
 */
public enum RevokeOnCredentialChange {
    /** Every session but the one that made the change. */
    OTHERS("Every other session"),
    ALL("Every session, the one making the change too"),
    NONE("None");

    private final String shown;

    RevokeOnCredentialChange(String shown) {
        this.shown = shown;
    }

    /** How the admin console's tab lists it: its list shows options as they are, untranslated. */
    public String shown() {
        return shown;
    }
}
