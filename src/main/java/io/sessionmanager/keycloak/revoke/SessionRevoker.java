package io.sessionmanager.keycloak.revoke;

import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The one way a session is ended, whoever asks: Keycloak's back-channel logout of the online
 * session and of the offline session with the same id (clients are notified, refresh and
 * introspection fail from the commit on), the record marked with its end, and a {@code LOGOUT}
 * event with an {@value #END_REASON_DETAIL} detail for auditing.
 * Must run inside an HTTP request, as back-channel logout needs its URI and headers.
 */
public final class SessionRevoker {

    /** Event detail naming the {@link EndReason}; also tells our listener the record is already ended. */
    public static final String END_REASON_DETAIL = "session_manager_end_reason";

    private static final Logger LOG = Logger.getLogger(SessionRevoker.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public SessionRevoker(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** Revokes an active session; returns false, changing nothing, when it had already ended. */
    public boolean revoke(SessionRecord record, EndReason reason) {
        if (!record.isActive()) {
            return false;
        }
        endKeycloakSessions(record);
        record.end(reason, Time.currentTimeMillis());
        audit(record, reason);
        return true;
    }

    /**
     * Ends whatever Keycloak still holds for a record, without touching the record. Used when a
     * session Keycloak still has belongs to a record that already ended.
     */
    public void endKeycloakSessions(SessionRecord record) {
        String id = record.getKeycloakSessionId();
        logout(session.sessions().getUserSession(realm, id), record);
        // Looked up only now: Keycloak's logout of an offline session also removes its online twin.
        logout(session.sessions().getOfflineUserSession(realm, id), record);
    }

    private void logout(UserSessionModel userSession, SessionRecord record) {
        if (userSession == null) {
            return;
        }
        UserModel owner = userSession.getUser();
        if (owner == null || !owner.getId().equals(record.getUserId())) {
            LOG.warnf("Session %s does not belong to the user of its record; not ending it", record.getId());
            return;
        }
        AuthenticationManager.backchannelLogout(session, userSession, true);
    }

    private void audit(SessionRecord record, EndReason reason) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGOUT)
                .user(record.getUserId())
                .session(record.getKeycloakSessionId())
                .detail(END_REASON_DETAIL, reason.name());
        ClientModel caller = session.getContext().getClient();
        if (caller != null) {
            event.client(caller);
        }
        event.success();
    }
}
