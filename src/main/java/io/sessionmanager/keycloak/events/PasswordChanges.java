package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.config.RevokeOnPasswordChange;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.UserSessions;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Ends a user's sessions when their password changes, per the realm's
 * {@code revokeOnPasswordChange}. The other sessions end in the request that changed the
 * password, in its transaction. The session that changed it survives with {@code OTHERS}; with
 * {@code ALL} it ends right after that request, because Keycloak's sign-in flow still uses it
 * until then (and would re-create it if it ended earlier). An admin reset has no such session.
 */
final class PasswordChanges {

    private static final Logger LOG = Logger.getLogger(PasswordChanges.class);

    /**
     * One change arrives several times (from the credential store, then as UPDATE_CREDENTIAL and
     * UPDATE_PASSWORD events); act on the first only.
     */
    private static final String HANDLED = PasswordChanges.class.getName() + ".handled";

    private PasswordChanges() {
    }

    static void changed(KeycloakSession session, String realmId, String userId, String changingSessionId) {
        if (session.getAttribute(HANDLED) != null) {
            return;
        }
        session.setAttribute(HANDLED, Boolean.TRUE);
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        RevokeOnPasswordChange policy = session.getProvider(SessionManagerConfig.class).policy(realm)
                .revokeOnPasswordChange();
        if (policy == RevokeOnPasswordChange.NONE) {
            return;
        }
        try {
            new UserSessions(session, realm).revokeAll(user, EndReason.PASSWORD_CHANGE, changingSessionId);
        } catch (RuntimeException e) {
            // Keycloak's event dispatch would swallow this: the sessions are ended after the change commits instead.
            LOG.warn("Ending the sessions of a changed password failed; retrying once the change is saved", e);
            AfterCommit.runPolicy(session, realmId, (s, r) -> new UserSessions(s, r)
                    .revokeAll(s.users().getUserById(r, userId), EndReason.PASSWORD_CHANGE, changingSessionId));
        }
        if (policy == RevokeOnPasswordChange.ALL && changingSessionId != null) {
            AfterCommit.runPolicy(session, realmId, (s, r) -> endChangingSession(s, r, userId, changingSessionId));
        }
    }

    private static void endChangingSession(KeycloakSession s, RealmModel realm, String userId,
                                           String keycloakSessionId) {
        SessionStore.of(s).findOwned(realm.getId(), userId, keycloakSessionId)
                .ifPresent(record -> SessionRevoker.of(s, realm).revoke(record, EndReason.PASSWORD_CHANGE));
    }
}
