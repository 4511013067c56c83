package io.sessionmanager.keycloak.sessions;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
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

    /** Revokes every active session of the user but the one with {@code keepKeycloakSessionId}, if given. */
    public long revokeAll(UserModel user, EndReason reason, String keepKeycloakSessionId) {
        // Collected before revoking: each revocation removes Keycloak sessions the reconciler reads.
        List<LiveSession> live = active(user);
        SessionRevoker revoker = SessionRevoker.of(session, realm);
        long revoked = live.stream()
                .filter(s -> !s.record().getKeycloakSessionId().equals(keepKeycloakSessionId))
                .filter(s -> revoker.revoke(s.record(), s.online(), s.offline(), reason))
                .count();
        SessionStore.of(session).flushAndDetach(live.stream().map(LiveSession::record).toList());
        return revoked;
    }
}
