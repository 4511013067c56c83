package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.sessions.LiveSession;
import io.sessionmanager.keycloak.sessions.SessionReconciler;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Objects;
import java.util.Optional;

/**
 * What an opened "This wasn't me" link leaves in the browser's authentication session for the
 * confirming {@code POST}: which session it may end, until when, for which address, and the key
 * that spends the link.
 */
record NotMeVisit(String recordId, String usedKey, String email, long expiresAt) {

    private static final String PREFIX = NotMeToken.TOKEN_TYPE + ".";
    private static final String RECORD_NOTE = PREFIX + "record";
    private static final String USED_KEY_NOTE = PREFIX + "used";
    private static final String EMAIL_NOTE = PREFIX + "email";
    private static final String EXPIRES_NOTE = PREFIX + "expires";

    /** The visit of an opened, verified link. */
    static NotMeVisit of(NotMeToken token) {
        return new NotMeVisit(token.getSessionId(), NotMeToken.TOKEN_TYPE + ":" + token.getUserId() + ":"
                + token.getSessionId() + ":" + token.getActionVerificationNonce(), Objects.toString(token.getEmail(), ""), token.getExp());
    }

    /** The visit this authentication session holds, while its link has not expired. */
    static Optional<NotMeVisit> in(AuthenticationSessionModel authSession) {
        String expires = authSession.getAuthNote(EXPIRES_NOTE);
        long expiresAt = expires == null ? 0 : Long.parseLong(expires);
        if (authSession.getAuthNote(RECORD_NOTE) == null || expiresAt < Time.currentTime()) {
            return Optional.empty();
        }
        return Optional.of(new NotMeVisit(authSession.getAuthNote(RECORD_NOTE), authSession.getAuthNote(USED_KEY_NOTE),
                authSession.getAuthNote(EMAIL_NOTE), expiresAt));
    }

    void keepIn(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(RECORD_NOTE, recordId);
        authSession.setAuthNote(USED_KEY_NOTE, usedKey);
        authSession.setAuthNote(EMAIL_NOTE, email);
        authSession.setAuthNote(EXPIRES_NOTE, Long.toString(expiresAt));
    }

    /** Whether the link went to the address the user has now: one left in a mailbox they gave up ends nothing. */
    boolean mailedTo(UserModel user) {
        return Objects.equals(email, Objects.toString(user.getEmail(), ""));
    }

    /** The reported session's record, while the link is unspent; only ever one of this user's. */
    Optional<SessionRecord> unspentRecord(KeycloakSession session, RealmModel realm, UserModel user) {
        if (session.singleUseObjects().contains(usedKey)) {
            return Optional.empty();
        }
        return SessionStore.of(session).findForUser(realm.getId(), user.getId(), recordId);
    }

    /** Spends the link; false if it was spent already. */
    boolean spend(KeycloakSession session) {
        return session.singleUseObjects().putIfAbsent(usedKey, Math.max(1, expiresAt - Time.currentTime() + 60));
    }

    /** The reported session's record if Keycloak still holds the session; a list's reconciliation decides. */
    static Optional<SessionRecord> stillLive(KeycloakSession session, RealmModel realm, UserModel user,
                                             SessionRecord reported) {
        return new SessionReconciler(session, realm).activeSessions(user).stream()
                .map(LiveSession::record)
                .filter(r -> r.getId().equals(reported.getId()))
                .findFirst();
    }

    /** Someone other than {@code user} signed in in this browser, if anyone: the link is refused there. */
    static Optional<UserModel> otherUserSignedIn(KeycloakSession session, RealmModel realm, UserModel user) {
        AuthenticationManager.AuthResult signedIn =
                AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        return Optional.ofNullable(signedIn).map(AuthenticationManager.AuthResult::getUser)
                .filter(other -> !other.getId().equals(user.getId()));
    }
}
