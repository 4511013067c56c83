package io.sessionmanager.keycloak.revoke;

import io.sessionmanager.keycloak.events.AfterCommit;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Set;

/**
 * Watches every successful use of a session (sign-in, code exchange, refresh, userinfo,
 * introspection, token exchange: each is an event naming the session) for sessions this extension
 * revoked. Such a use raced the revocation and may have brought the session back; once the request
 * has committed, whatever it brought back is ended again.
 */
final class ResurrectionListener implements EventListenerProvider {

    /** Events that end a session or report its end: nothing to bring back. By name: not every version has both. */
    private static final Set<String> ENDINGS = Set.of("LOGOUT", "USER_SESSION_DELETED");

    private final KeycloakSession session;

    ResurrectionListener(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Checks once the request has committed, not now: a revocation that lands between this event
     * and the commit is the race, and the mark it sets first is seen then.
     */
    @Override
    public void onEvent(Event event) {
        String sessionId = event.getSessionId();
        String realmId = event.getRealmId();
        if (event.getError() != null || sessionId == null || ENDINGS.contains(event.getType().name())) {
            return;
        }
        // Taken now: creating the store during the commit would enlist it in a commit already under way.
        SingleUseObjectProvider store = session.singleUseObjects();
        AfterCommit.runIf(session, realmId, () -> RevokedSessions.isRevoked(store, realmId, sessionId),
                (s, realm) -> SessionRevoker.of(s, realm).endAgain(sessionId));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    @Override
    public void close() {
    }
}
