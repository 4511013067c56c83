package io.sessionmanager.keycloak.sessions;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * A user's sessions as everyone sees them, within an HTTP request: reconciled with Keycloak, and
 * with the realm's inactivity limit applied, so an idle session is ended rather than listed.
 */
public final class UserSessions {

    /** How many sessions a revoke-all ends per transaction. */
    static final int BATCH = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final SessionPolicy policy;

    public UserSessions(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.policy = session.getProvider(SessionManagerConfig.class).policy(realm);
    }

    public SessionPolicy policy() {
        return policy;
    }

    public List<LiveSession> active(UserModel user) {
        List<LiveSession> live = new SessionReconciler(session, realm).activeSessions(user);
        long now = Time.currentTimeMillis();
        SessionRevoker revoker = SessionRevoker.of(session, realm);
        return live.stream()
                .filter(s -> !(s.isInactive(policy.maxInactivity(), now)
                        && revoker.revoke(s.record(), s.online(), s.offline(), EndReason.INACTIVITY)))
                .toList();
    }

    /**
     * The user's ended sessions, most recently ended first. Reconciles first, so a session
     * Keycloak ended since the last look is already among them.
     */
    public List<SessionRecord> ended(UserModel user, int first, int max) {
        active(user);
        return SessionStore.of(session).findEnded(realm.getId(), user.getId(), retainedSince(), first, max);
    }

    /** Whether an ended record is still within the realm's history retention, so it may be shown. */
    public boolean isRetained(SessionRecord record) {
        return record.getEndedAt() != null && record.getEndedAt() >= retainedSince();
    }

    /** With a retention of zero nothing ended is kept: even a session ended this millisecond is past it. */
    private long retainedSince() {
        long retention = policy.historyRetention().toMillis();
        return retention == 0 ? Long.MAX_VALUE : Time.currentTimeMillis() - retention;
    }

    /**
     * Revokes every active session of the user but the one with {@code keepKeycloakSessionId}, if
     * given. The sessions are collected in a transaction of their own, then ended {@value #BATCH} at
     * a time, each batch committed on its own: no transaction grows with the number of sessions (one
     * holding thousands slows down with each more), and a crash in between leaves every session
     * either ended or still active with its record saying so, for the request to be repeated.
     * The one way every session of a user ends, whoever asks.
     */
    public long revokeAll(UserModel user, EndReason reason, String keepKeycloakSessionId) {
        return revokeAll(user, reason, keepKeycloakSessionId, null);
    }

    /**
     * As {@link #revokeAll(UserModel, EndReason, String)}, for an ending Keycloak itself began (an
     * administrator's sign-out of the user, which removed the online sessions already): every record
     * ends with {@code reason}, those whose Keycloak sessions are gone or idle included.
     */
    public long revokeAllAs(UserModel user, EndReason reason) {
        return revokeAll(user, reason, null, reason);
    }

    /** {@code everyRecordAs}: null, or the reason every record ends with, gone and idle ones included. */
    private long revokeAll(UserModel user, EndReason reason, String keepKeycloakSessionId, EndReason everyRecordAs) {
        RealmTransaction own = RealmTransaction.of(session, realm);
        String userId = user.getId();
        // A realm the calling transaction creates (the master realm with its first admin) is not
        // visible to a transaction of its own yet, and has no sessions.
        List<String> toEnd = own.call((s, r) -> sessionIds(s, r, userId, keepKeycloakSessionId, everyRecordAs))
                .orElse(List.of());
        long revoked = 0;
        for (int from = 0; from < toEnd.size(); from += BATCH) {
            List<String> batch = toEnd.subList(from, Math.min(toEnd.size(), from + BATCH));
            revoked += own.call((s, r) -> revoke(s, r, userId, batch, reason)).orElse(0L);
        }
        return revoked;
    }

    private static List<String> sessionIds(KeycloakSession s, RealmModel realm, String userId, String keep,
                                           EndReason everyRecordAs) {
        UserModel user = s.users().getUserById(realm, userId);
        if (user == null) {
            return List.of();
        }
        List<LiveSession> toEnd = everyRecordAs == null ? new UserSessions(s, realm).active(user)
                : new SessionReconciler(s, realm).activeSessions(user, everyRecordAs);
        return toEnd.stream()
                .map(live -> live.record().getKeycloakSessionId())
                .filter(id -> !id.equals(keep))
                .toList();
    }

    private static long revoke(KeycloakSession s, RealmModel realm, String userId, List<String> keycloakSessionIds,
                               EndReason reason) {
        SessionStore store = SessionStore.of(s);
        List<SessionRecord> records = store.findOwned(realm.getId(), userId, keycloakSessionIds);
        SessionRevoker revoker = SessionRevoker.of(s, realm);
        long revoked = records.stream().filter(record -> revoker.revoke(record, reason)).count();
        store.flushAndDetach(records);
        return revoked;
    }
}
