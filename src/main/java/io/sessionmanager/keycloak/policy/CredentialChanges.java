package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.config.RevokeOnCredentialChange;
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
 * Ends a user's sessions when one of their sign-in factors changes (ASVS 7.4.3): a password set or
 * reset ({@link EndReason#PASSWORD_CHANGE}), an OTP, passkey or other credential added or removed
 * ({@link EndReason#CREDENTIAL_CHANGE}), per the realm's {@code revokeOnCredentialChange}. The
 * other sessions end during the request that made the change, in batches that commit on their own
 * ({@link UserSessions#revokeAll}). The session that
 * made it survives with {@code OTHERS}; with {@code ALL} it ends right after that request, because
 * Keycloak's sign-in flow still uses it until then (and would re-create it if it ended earlier). An
 * administrator's change has no such session.
 */
final class CredentialChanges {

    private static final Logger LOG = Logger.getLogger(CredentialChanges.class);

    /**
     * One change arrives several times (a password from the credential store, then as
     * UPDATE_CREDENTIAL and UPDATE_PASSWORD events; an OTP as UPDATE_CREDENTIAL and UPDATE_TOTP);
     * act on the first only, per user (a request may change several users' credentials).
     */
    private static final String HANDLED = CredentialChanges.class.getName() + ".handled";

    private CredentialChanges() {
    }

    static void passwordChanged(KeycloakSession session, String realmId, String userId, String changingSessionId) {
        changed(session, realmId, userId, changingSessionId, EndReason.PASSWORD_CHANGE);
    }

    static void changed(KeycloakSession session, String realmId, String userId, String changingSessionId,
                        EndReason reason) {
        String handled = HANDLED + "." + realmId + "." + userId;
        if (session.getAttribute(handled) != null) {
            return;
        }
        session.setAttribute(handled, Boolean.TRUE);
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return;
        }
        RevokeOnCredentialChange policy = session.getProvider(SessionManagerConfig.class).policy(realm)
                .revokeOnCredentialChange();
        if (policy == RevokeOnCredentialChange.NONE) {
            return;
        }
        try {
            new UserSessions(session, realm).revokeAll(user, reason, changingSessionId);
        } catch (RuntimeException e) {
            // Keycloak's event dispatch would swallow this: the sessions are ended after the change commits instead.
            LOG.warn("Ending the sessions of a changed sign-in factor failed; retrying once the change is saved", e);
            PolicyFailures.afterCommit(session, realmId, (s, r) -> new UserSessions(s, r)
                    .revokeAll(s.users().getUserById(r, userId), reason, changingSessionId));
        }
        if (policy == RevokeOnCredentialChange.ALL && changingSessionId != null) {
            PolicyFailures.afterCommit(session, realmId,
                    (s, r) -> endChangingSession(s, r, userId, changingSessionId, reason));
        }
    }

    private static void endChangingSession(KeycloakSession s, RealmModel realm, String userId,
                                           String keycloakSessionId, EndReason reason) {
        SessionStore.of(s).findOwned(realm.getId(), userId, keycloakSessionId)
                .ifPresent(record -> SessionRevoker.of(s, realm).revoke(record, reason));
    }
}
