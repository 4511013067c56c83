package io.sessionmanager.keycloak.access;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionTwins;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.LiveSession;
import io.sessionmanager.keycloak.sessions.SessionReconciler;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

import java.time.Duration;

/**
 * The realm's {@code maxInactivity} at the moment a session is used (refresh, introspection,
 * userinfo, SSO through the browser, this extension's API): a session unused for longer ends
 * ({@code INACTIVITY}) at its first use, and that use is refused, so the limit holds however long
 * Keycloak's own idle timeout for the session is.
 * <p>
 * Costs nothing measurable on the way through: only when Keycloak's own last refresh of the session
 * is past the limit does it read the record, whose last activity may be later (userinfo and
 * introspection count as use but do not move Keycloak's).
 */
public final class InactivityLimit {

    private final KeycloakSession session;
    private final RealmModel realm;

    private InactivityLimit(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public static InactivityLimit of(KeycloakSession session, RealmModel realm) {
        return new InactivityLimit(session, realm);
    }

    /**
     * Ends the session in this request's transaction if it sat unused past the limit; for requests
     * that then answer normally (and commit), such as introspection saying {@code active: false}.
     * Returns whether it ended.
     */
    public boolean endIfIdle(UserSessionModel used) {
        Duration limit = maxInactivity();
        return mayBeIdle(used, limit) && endIfIdle(session, used.getId(), limit);
    }

    /**
     * As {@link #endIfIdle(UserSessionModel)}, committed at once in a transaction of its own: for
     * requests that go on to refuse the use, which rolls their own transaction back.
     */
    public boolean endNowIfIdle(UserSessionModel used) {
        Duration limit = maxInactivity();
        if (!mayBeIdle(used, limit)) {
            return false;
        }
        // On this request's thread, so Keycloak's context still finds the request to log out from.
        return RealmTransaction.on(session.getKeycloakSessionFactory(), realm.getId())
                .call((s, sameRealm) -> endIfIdle(s, used.getId(), limit)).orElse(false);
    }

    private Duration maxInactivity() {
        return session.getProvider(SessionManagerConfig.class).policy(realm).maxInactivity();
    }

    /** Keycloak's last refresh is never later than the last activity: if that is recent, so is the session. */
    private static boolean mayBeIdle(UserSessionModel used, Duration limit) {
        return used != null && used.getLastSessionRefresh() * 1000L + limit.toMillis() <= Time.currentTimeMillis();
    }

    /** Reads the whole sign-in (both twins and the record) and ends it if it is idle as a whole. */
    private static boolean endIfIdle(KeycloakSession s, String keycloakSessionId, Duration limit) {
        RealmModel realm = s.getContext().getRealm();
        SessionTwins twins = SessionTwins.find(s, realm, keycloakSessionId);
        if (twins.isEmpty()) {
            return false;
        }
        SessionRecord record = new SessionReconciler(s, realm).recordOf(twins);
        LiveSession live = new LiveSession(record, twins.online(), twins.offline());
        if (!record.isActive() || !live.isInactive(limit, Time.currentTimeMillis())) {
            return false;
        }
        return SessionRevoker.of(s, realm).revoke(record, twins.online(), twins.offline(), EndReason.INACTIVITY);
    }
}
