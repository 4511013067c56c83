package io.sessionmanager.keycloak.revoke;

import io.sessionmanager.keycloak.guard.RevocationMarks;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.model.SessionTwins;
import io.sessionmanager.keycloak.tx.OriginalRequest;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The one way a session is ended, whoever asks: the online Keycloak session and the offline one
 * with the same id are removed (from the commit on, refresh and introspection fail), the record
 * is marked with its end, and a {@code LOGOUT} event with an {@value #END_REASON_DETAIL} detail
 * is recorded for auditing.
 * <p>
 * The removal is Keycloak's back-channel logout, which also notifies the clients that have a
 * back-channel logout URL. It needs an HTTP request: Keycloak's context finds the request on its
 * thread, also for work after the request committed or in a transaction of its own; the scheduled
 * cleanup, which runs on a timer, brings a stand-in ({@link OriginalRequest#background()}).
 * <p>
 * Before anything is removed the session is marked revoked on every node ({@link RevocationMarks}):
 * Keycloak can bring a removed session back when a request using it races the removal (its
 * persistent sessions re-read a session missing from the cache from the database, and a refresh
 * writes its client session back). The race guard (package {@code guard}) then refuses every use
 * of it from now on and ends any copy that a racing request brings back.
 */
public final class SessionRevoker {

    /** Event detail naming the {@link EndReason}; also tells our listener the record is already ended. */
    public static final String END_REASON_DETAIL = "session_manager_end_reason";

    private static final Logger LOG = Logger.getLogger(SessionRevoker.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    private SessionRevoker(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** A revoker working in {@code session}, whose context is bound to {@code realm} and, if it can, to a request. */
    public static SessionRevoker of(KeycloakSession session, RealmModel realm) {
        return new SessionRevoker(session, realm);
    }

    /**
     * Revokes an active session; returns false, changing nothing, when it had already ended or its
     * Keycloak session is not the record's user's.
     */
    public boolean revoke(SessionRecord record, EndReason reason) {
        if (!record.isActive()) {
            return false;
        }
        SessionTwins twins = SessionTwins.find(session, realm, record.getKeycloakSessionId());
        return revoke(record, twins.online(), twins.offline(), reason);
    }

    /**
     * As {@link #revoke(SessionRecord, EndReason)}, with the record's online and offline Keycloak
     * sessions (null where there is none) that the caller already holds, saving two lookups per
     * session when ending many.
     */
    public boolean revoke(SessionRecord record, UserSessionModel online, UserSessionModel offline, EndReason reason) {
        if (!record.isActive()) {
            return false;
        }
        if (!ownedByRecordsUser(online, record) || !ownedByRecordsUser(offline, record)) {
            // Keycloak gave the id to another user's session: the record's own session is gone.
            SessionStore.of(session).end(record, EndReason.LOGGED_OUT, Time.currentTimeMillis());
            return false;
        }
        long started = Time.currentTimeMillis();
        RevocationMarks.mark(session, realm, record);
        // Online first: Keycloak's logout of an offline session also removes a still-present online twin.
        end(online, record);
        end(offline, record);
        SessionStore store = SessionStore.of(session);
        if (!store.end(record, reason, Time.currentTimeMillis())
                && !store.endedWhileRevoking(record, reason, started)) {
            return false;
        }
        audit(record, reason);
        return true;
    }

    /**
     * A Keycloak session is never ended through another user's record (nor marked revoked): the
     * revocation is refused and counts as none.
     */
    private static boolean ownedByRecordsUser(UserSessionModel userSession, SessionRecord record) {
        if (userSession == null) {
            return true;
        }
        UserModel owner = userSession.getUser();
        boolean owned = owner != null && record.isOwnedBy(userSession.getRealm().getId(), owner.getId());
        if (!owned) {
            LOG.warnf("Session of record %s does not belong to the record's user; not ending it", record.getId());
        }
        return owned;
    }

    private void end(UserSessionModel userSession, SessionRecord record) {
        if (userSession == null) {
            return;
        }
        if (OriginalRequest.of(session) == null) {
            LOG.warnf("No request to notify the clients of session %s from; removing it without notifying them",
                    record.getId());
            (userSession.isOffline() ? new SessionTwins(null, userSession) : new SessionTwins(userSession, null))
                    .remove(session, realm);
            return;
        }
        KeycloakContext context = session.getContext();
        leaveOtherSessionsLogout(context, userSession);
        AuthenticationManager.backchannelLogout(session, realm, userSession, context.getUri(),
                context.getConnection(), context.getRequestHeaders(), true);
    }

    /**
     * Keycloak leaves a logout's authentication session in the context, and before 26.7 the next
     * logout in the same request joins it whatever session it ends, so it skips every client the
     * first one notified: ending several sessions at once (sign out everywhere, the cleanup)
     * announced only the first to each client. Keycloak 26.7 joins it only for the same session
     * (its online and offline twins), and so does this.
     */
    private static void leaveOtherSessionsLogout(KeycloakContext context, UserSessionModel userSession) {
        AuthenticationSessionModel joined = context.getAuthenticationSession();
        if (joined == null || !AuthenticationSessionModel.Action.LOGGING_OUT.name().equals(joined.getAction())) {
            return;
        }
        if (joined.getParentSession() == null || !userSession.getId().equals(joined.getParentSession().getId())) {
            context.setAuthenticationSession(null);
        }
    }

    private void audit(SessionRecord record, EndReason reason) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGOUT)
                .user(record.getUserId())
                .session(record.getKeycloakSessionId())
                .detail(END_REASON_DETAIL, reason.name());
        ClientModel caller = session.getContext().getClient();
        if (caller != null && caller.getRealm().getId().equals(realm.getId())) {
            event.client(caller);
        }
        event.success();
    }
}
