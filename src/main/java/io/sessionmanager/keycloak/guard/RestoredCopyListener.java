package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.tx.AfterCommit;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Set;

/**
 * Watches every use of a session (sign-in, code exchange, refresh, userinfo, introspection, token
 * exchange: each is an event naming the session), refused or not, for sessions this extension
 * revoked. Such a use raced the revocation and may have brought the session back: Keycloak reads a
 * session before it refuses it (for a disabled user, say), and that read alone can bring back a
 * copy that would serve again once the refusal no longer applies. Once the request has ended,
 * whatever it brought back is ended again.
 */
final class RestoredCopyListener implements EventListenerProvider {

    /** Events that end a session or report its end: nothing to bring back. By name: not every version has both. */
    private static final Set<String> ENDINGS = Set.of("LOGOUT", "USER_SESSION_DELETED");

    private final KeycloakSession session;

    RestoredCopyListener(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Checks once the request has ended, not now: a revocation that lands between this event and
     * the end is the race, and the mark it sets first is seen then.
     */
    @Override
    public void onEvent(Event event) {
        String sessionId = event.getSessionId();
        String realmId = event.getRealmId();
        if (sessionId == null || ENDINGS.contains(event.getType().name())) {
            return;
        }
        // Taken now: creating the store during the commit would enlist it in a commit already under way.
        SingleUseObjectProvider store = session.singleUseObjects();
        AfterCommit.runWhenEndedIf(session, realmId, () -> RevocationMarks.isEitherRevoked(store, sessionId),
                (s, realm) -> RestoredCopies.endAgain(s, realm, sessionId), RestoredCopies::failed);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    @Override
    public void close() {
    }
}
