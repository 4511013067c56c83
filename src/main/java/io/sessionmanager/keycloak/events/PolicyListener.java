package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.model.EndReason;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;

/**
 * Enforces the realm's session policy on what Keycloak reports: password changes (for passwords a
 * user federation keeps; local ones are caught where they are stored,
 * {@link WatchedPasswordCredentialProvider}), other sign-in factors added or removed, a user
 * disabled for good by brute-force protection, and what admins do to users ({@link AdminEvents}). It is global, so the policy holds in every
 * realm whether or not the realm enabled the {@code session-manager} listener, which only records.
 */
final class PolicyListener implements EventListenerProvider {

    private static final String PASSWORD = "password";

    private final KeycloakSession session;

    PolicyListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null) {
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
