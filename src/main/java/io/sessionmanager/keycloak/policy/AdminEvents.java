package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.sessions.SessionReconciler;
import io.sessionmanager.keycloak.sessions.UserSessions;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;


/**
 * The session policy on what Keycloak's own admin API does to users, told by its admin events: a
 * password reset or a removed credential ends every session (per the policy), a disabled user's
 * sessions end, an admin's "sign out" of a user ends its offline sessions too, the sessions a
 * revoked offline access took away are recorded as revoked by an administrator, and so is a
 * realm-wide sign-out: every session that started before it is recorded as revoked by an
 * administrator (Keycloak keeps the offline ones but refuses their tokens from then on; the list
 * ends them as it ends any revoked session still in Keycloak). (Deleted users and realms are
 * handled where their records are deleted, in the model.)
 */
final class AdminEvents {

    private static final String CREDENTIAL_REMOVED = "credentials/*";
    private static final String CONSENT_REVOKED = "consents/*";

    private final KeycloakSession session;

    AdminEvents(KeycloakSession session) {
        this.session = session;
    }

    void on(AdminEvent event) {
        String[] path = event.getResourcePath() == null ? new String[0] : event.getResourcePath().split("/");
        if (event.getResourceType() == ResourceType.USER && path.length >= 2 && path[0].equals("users")) {
            onUser(event, path[1], action(path));
        } else if (event.getResourceType() == ResourceType.REALM && event.getOperationType() == OperationType.ACTION
                && event.getResourcePath() != null && event.getResourcePath().equals("logout-all")) {
            long at = event.getTime();
            PolicyFailures.afterCommit(session, event.getRealmId(), (s, realm) -> SessionStore.of(s)
                    .endAllStartedBefore(realm.getId(), realm.getNotBefore() * 1000L, EndReason.ADMIN_REVOKED, at));
        }
    }

    private void onUser(AdminEvent event, String userId, String action) {
        OperationType operation = event.getOperationType();
        if (operation == OperationType.ACTION && action.equals("reset-password")) {
            CredentialChanges.passwordChanged(session, event.getRealmId(), userId, null);
        } else if (operation == OperationType.ACTION && action.equals(CREDENTIAL_REMOVED)) {
            CredentialChanges.changed(session, event.getRealmId(), userId, null, EndReason.CREDENTIAL_CHANGE);
        } else if (operation == OperationType.UPDATE && action.isEmpty()) {
            endIfDisabled(event.getRealmId(), userId);
        } else if (operation == OperationType.ACTION && action.equals("logout")) {
            PolicyFailures.afterCommit(session, event.getRealmId(), (s, realm) -> signedOut(s, realm, userId));
        } else if (operation == OperationType.ACTION && action.equals(CONSENT_REVOKED)) {
            PolicyFailures.afterCommit(session, event.getRealmId(), (s, realm) -> consentRevoked(s, realm, userId));
        }
    }

    /**
     * What a path below {@code users/{id}} names: {@code users/{id}/logout} is "logout"; removing a
     * credential is the only action Keycloak reports on {@code users/{id}/credentials/{credentialId}},
     * revoking an application's consent and offline access the only one on {@code users/{id}/consents/{clientId}}.
     */
    private static String action(String[] path) {
        if (path.length == 3) {
            return path[2];
        }
        if (path.length != 4) {
            return "";
        }
        return switch (path[2]) {
            case "credentials" -> CREDENTIAL_REMOVED;
            case "consents" -> CONSENT_REVOKED;
            default -> "";
        };
    }

    /** Ends every session of a user who is now disabled, as {@link EndReason#USER_DISABLED}. */
    void endIfDisabled(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = session.users().getUserById(realm, userId);
        if (user != null && !user.isEnabled()) {
            new UserSessions(session, realm).revokeAll(user, EndReason.USER_DISABLED, null);
        }
    }

    /**
     * An administrator revoked an application's offline access: Keycloak removed the offline
     * sessions whose only client it was. Their records end as revoked by an administrator now,
     * not as logged out at the next list (a session that had run past its deadline meanwhile
     * still ends as expired).
     */
    private static void consentRevoked(KeycloakSession s, RealmModel realm, String userId) {
        UserModel user = s.users().getUserById(realm, userId);
        if (user != null) {
            new SessionReconciler(s, realm).activeSessions(user, EndReason.ADMIN_REVOKED);
        }
    }

    /**
     * Keycloak's "sign out" of a user (the admin console's button) removes its online sessions and
     * rejects every token issued before it, offline ones included, yet keeps the offline sessions.
     * Those are ended too, so that the user is signed out everywhere and nothing half-alive is
     * listed; every record ends as revoked by an administrator, the ones Keycloak ended included.
     */
    private static void signedOut(KeycloakSession s, RealmModel realm, String userId) {
        UserModel user = s.users().getUserById(realm, userId);
        if (user != null) {
            new UserSessions(s, realm).revokeAllAs(user, EndReason.ADMIN_REVOKED);
        }
    }
}
