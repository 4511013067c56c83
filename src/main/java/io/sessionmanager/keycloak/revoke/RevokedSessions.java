package io.sessionmanager.keycloak.revoke;

import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionType;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.utils.SessionExpirationUtils;

import java.util.concurrent.TimeUnit;

/**
 * Cluster-wide marks ("tombstones") of the Keycloak sessions this extension revoked, kept in
 * Keycloak's single-use object store (replicated to every node, entries expire by themselves).
 * <p>
 * A mark is set before the session is removed, and lives as long as a copy of the session that a
 * racing request brought back could be used: Keycloak's idle timeout for that kind of session,
 * measured from now (plus the idle grace Keycloak may apply), and never past the session's hard
 * end. After that, a copy left anywhere is dead by Keycloak's own expiry.
 */
public final class RevokedSessions {

    private static final String KEY_PREFIX = "session-manager.revoked-session.";
    /** Keycloak accepts a session this long past its idle deadline in some cache modes. */
    private static final long IDLE_GRACE_MILLIS = TimeUnit.MINUTES.toMillis(2);
    private static final long MIN_LIFESPAN_SECONDS = 60;

    private RevokedSessions() {
    }

    /** Marks the record's Keycloak session as revoked, on every node, from now on. */
    public static void mark(KeycloakSession session, RealmModel realm, SessionRecord record) {
        long now = Time.currentTimeMillis();
        long until = SessionExpirationUtils.calculateUserSessionIdleTimestamp(
                record.getType() == SessionType.OFFLINE, record.isRememberMe(), now, realm) + IDLE_GRACE_MILLIS;
        if (record.getExpiresAt() != null && record.getExpiresAt() > now) {
            until = Math.min(until, record.getExpiresAt() + IDLE_GRACE_MILLIS);
        }
        long lifespanSeconds = Math.max(MIN_LIFESPAN_SECONDS, TimeUnit.MILLISECONDS.toSeconds(until - now));
        // putIfAbsent writes at once, not at commit: racing requests must see the mark before the removal commits.
        session.singleUseObjects().putIfAbsent(key(realm.getId(), record.getKeycloakSessionId()), lifespanSeconds);
    }

    /** Whether the Keycloak session with this id was revoked by this extension. */
    public static boolean isRevoked(KeycloakSession session, String realmId, String keycloakSessionId) {
        return isRevoked(session.singleUseObjects(), realmId, keycloakSessionId);
    }

    /** As {@link #isRevoked(KeycloakSession, String, String)}, with the session's store already at hand. */
    static boolean isRevoked(SingleUseObjectProvider store, String realmId, String keycloakSessionId) {
        return store != null && store.contains(key(realmId, keycloakSessionId));
    }

    private static String key(String realmId, String keycloakSessionId) {
        return KEY_PREFIX + realmId + "." + keycloakSessionId;
    }
}
