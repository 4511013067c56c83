package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionTwins;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * Enforces the realm's session policy on what Keycloak reports: password changes (for passwords a
 * user federation keeps; local ones are caught where they are stored,
 * {@link WatchedPasswordCredentialProvider}), other sign-in factors added or removed, a user
 * disabled for good by brute-force protection or found disabled when Keycloak refuses a use (a
 * user federation disables users silently), and what admins do to users ({@link AdminEvents}).
 * It is global, so the policy holds in every realm whether or not the realm enabled the
 * {@code session-manager} listener, which only records.
 */
final class PolicyListener implements EventListenerProvider {

    private static final String PASSWORD = "password";
    /** How Keycloak's refresh grant says it refused a disabled user's token (its error is only "invalid_token"). */
    private static final String USER_DISABLED_REASON = "User disabled";

    private final KeycloakSession session;

    PolicyListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null) {
            if (refusedForBeingDisabled(event)) {
                endIfDisabled(event);
            }
            return;
        }
        switch (event.getType()) {
            case UPDATE_PASSWORD, RESET_PASSWORD -> passwordChanged(event);
            case UPDATE_CREDENTIAL, REMOVE_CREDENTIAL -> {
                if (PASSWORD.equals(detail(event, Details.CREDENTIAL_TYPE))) {
                    passwordChanged(event);
                } else {
                    CredentialChanges.changed(session, event.getRealmId(), event.getUserId(), changingSession(event),
                            EndReason.CREDENTIAL_CHANGE);
                }
            }
            case USER_DISABLED_BY_PERMANENT_LOCKOUT -> new AdminEvents(session).endIfDisabled(event.getRealmId(),
                    event.getUserId());
            default -> {
            }
        }
    }

    /**
     * Keycloak refused the use of a session (a refresh, userinfo, introspection) because its user
     * is disabled. A user federation (LDAP) disables users without any event, and Keycloak refuses
     * their tokens only while they stay disabled: the first refused use ends every session of the
     * user, so that enabling the user again brings none back. Only refusals naming a session count:
     * a sign-in or password-reset attempt for a disabled user needs nothing but a username.
     */
    private static boolean refusedForBeingDisabled(Event event) {
        return event.getSessionId() != null && (Errors.USER_DISABLED.equals(event.getError())
                || USER_DISABLED_REASON.equals(detail(event, Details.REASON)));
    }

    /**
     * After the refused request, in transactions of its own. Once the sessions are gone, their uses
     * fail earlier and send no such refusal.
     */
    private void endIfDisabled(Event event) {
        String userId = event.getUserId();
        String keycloakSessionId = event.getSessionId();
        PolicyFailures.whenEnded(session, event.getRealmId(), (s, realm) -> {
            String owner = userId != null ? userId : ownerOf(s, realm, keycloakSessionId);
            if (owner != null) {
                new AdminEvents(s).endIfDisabled(realm.getId(), owner);
            }
        });
    }

    /** The user of the session a refused refresh named (Keycloak's refresh errors name no user). */
    private static String ownerOf(KeycloakSession s, RealmModel realm, String keycloakSessionId) {
        UserModel owner = SessionTwins.find(s, realm, keycloakSessionId).user();
        return owner == null ? null : owner.getId();
    }

    private void passwordChanged(Event event) {
        CredentialChanges.passwordChanged(session, event.getRealmId(), event.getUserId(), changingSession(event));
    }

    /**
     * The session that made the change. Required actions name it in {@code code_id}, not in the
     * session id; the account API's credential delete names none, but authenticated its bearer token
     * with it (taken only if it is the changed user's, in the event's realm).
     */
    private String changingSession(Event event) {
        if (event.getSessionId() != null) {
            return event.getSessionId();
        }
        String codeId = detail(event, Details.CODE_ID);
        if (codeId != null) {
            return codeId;
        }
        UserSessionModel caller = session.getContext().getUserSession();
        boolean theUsers = caller != null && caller.getRealm().getId().equals(event.getRealmId())
                && caller.getUser().getId().equals(event.getUserId());
        return theUsers ? caller.getId() : null;
    }

    private static String detail(Event event, String key) {
        return event.getDetails() == null ? null : event.getDetails().get(key);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        new AdminEvents(session).on(event);
    }

    @Override
    public void close() {
    }
}
