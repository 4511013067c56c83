package io.sessionmanager.keycloak.events;

import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;

/**
 * Enforces the realm's session policy on what Keycloak reports: password changes (for passwords a
 * user federation keeps; local ones are caught where they are stored,
 * {@link WatchedPasswordCredentialProvider}), a user disabled for good by brute-force protection,
 * and what admins do to users ({@link AdminEvents}). It is global, so the policy holds in every
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
            case UPDATE_CREDENTIAL -> {
                if (PASSWORD.equals(detail(event, Details.CREDENTIAL_TYPE))) {
                    passwordChanged(event);
                }
            }
            case USER_DISABLED_BY_PERMANENT_LOCKOUT -> new AdminEvents(session).endIfDisabled(event.getRealmId(),
                    event.getUserId());
            default -> {
            }
        }
    }

    /** Required actions name the session that changed the password in {@code code_id}, not in the session id. */
    private void passwordChanged(Event event) {
        String changingSession = event.getSessionId() != null ? event.getSessionId() : detail(event, Details.CODE_ID);
        PasswordChanges.changed(session, event.getRealmId(), event.getUserId(), changingSession);
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
