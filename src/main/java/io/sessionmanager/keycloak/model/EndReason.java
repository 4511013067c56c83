package io.sessionmanager.keycloak.model;

/** Why a session ended; each reason implies the status the record ends in. */
public enum EndReason {
    USER_REVOKED(SessionStatus.REVOKED),
    LOGOUT_EVERYWHERE(SessionStatus.REVOKED),
    /** The user pressed "Sign out other devices": every session but the one they pressed it in ended. */
    LOGOUT_OTHERS(SessionStatus.REVOKED),
    PASSWORD_CHANGE(SessionStatus.REVOKED),
    /** Another sign-in factor of the user (OTP, passkey, recovery codes) was added or removed. */
    CREDENTIAL_CHANGE(SessionStatus.REVOKED),
    ADMIN_REVOKED(SessionStatus.REVOKED),
    /** The user said, from the new-device email, that the sign-in was not theirs. */
    USER_REPORTED(SessionStatus.REVOKED),
    /** The user's account was disabled (by an administrator, or by brute-force protection for good). */
    USER_DISABLED(SessionStatus.REVOKED),
    INACTIVITY(SessionStatus.EXPIRED),
    LOGGED_OUT(SessionStatus.LOGGED_OUT),
    EXPIRED(SessionStatus.EXPIRED);

    private final SessionStatus status;

    EndReason(SessionStatus status) {
        this.status = status;
    }

    public SessionStatus status() {
        return status;
    }

    /** Whether this extension ended the session (so it must stay ended), rather than Keycloak by itself. */
    public boolean isRevocation() {
        return this != LOGGED_OUT && this != EXPIRED;
    }
}
