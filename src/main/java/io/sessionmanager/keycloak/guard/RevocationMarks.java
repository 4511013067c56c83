package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionType;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.utils.SessionExpirationUtils;

import java.util.concurrent.TimeUnit;

/**
 * The race guard's marks of ended Keycloak sessions, cluster-wide, kept in Keycloak's single-use
 * object store (replicated to every node, entries expire by themselves), keyed by the session's
 * id (Keycloak's ids are random, never reused for another session).
 * <p>
 * A mark is set before the session is removed: by the revoker ({@code SessionRevoker}) for every ending of this
 * extension, and by {@link GuardedSessionPersister} for every removal Keycloak itself makes (its
 * admin console, account API, logout and revocation endpoints). It lives as long as a copy of the
 * session that a racing request brought back could be used: Keycloak's idle timeout for that kind
 * of session, measured from now (plus the idle grace Keycloak may apply), and never past the
 * session's hard end where that is known. After that, a copy left anywhere is dead by Keycloak's
 * own expiry.
 */
public final class RevocationMarks {

    private static final String KEY_PREFIX = "session-manager.revoked-session.";
    /** Keycloak accepts a session this long past its idle deadline in some cache modes. */
    private static final long IDLE_GRACE_MILLIS = TimeUnit.MINUTES.toMillis(2);
    private static final long MIN_LIFESPAN_SECONDS = 60;
    /** Keycloak's default offline idle timeout: how long a mark of a session in an unknown realm lives. */
    private static final long UNKNOWN_REALM_LIFESPAN_SECONDS = TimeUnit.DAYS.toSeconds(30);

    private RevocationMarks() {
    }

    /**
     * Marks the record's Keycloak sessions as revoked, on every node, from now on: online and
     * offline, as the revoker ends both.
     */
    public static void mark(KeycloakSession session, RealmModel realm, SessionRecord record) {
        boolean offline = record.getType() == SessionType.OFFLINE;
        long now = Time.currentTimeMillis();
        long until = SessionExpirationUtils.calculateUserSessionIdleTimestamp(offline, record.isRememberMe(), now,
                realm) + IDLE_GRACE_MILLIS;
        if (record.getExpiresAt() != null && record.getExpiresAt() > now) {
            until = Math.min(until, record.getExpiresAt() + IDLE_GRACE_MILLIS);
        }
        SingleUseObjectProvider store = session.singleUseObjects();
        mark(store, record.getKeycloakSessionId(), offline, until - now);
        markRemoval(store, realm, record.getKeycloakSessionId(), !offline);
    }

    /**
     * Marks a session of one kind (online or offline: an offline session shares its id with the
     * online one it came from, and outlives its logout) that Keycloak is removing, of which only
     * the id is known: the mark lives as long as the longest idle timeout of that kind of session
     * in {@code realm} (remember-me or not), or 30 days where the realm is unknown. Returns whether
     * the session was not marked yet.
     */
    static boolean markRemoval(SingleUseObjectProvider store, RealmModel realm, String keycloakSessionId,
                               boolean offline) {
        if (realm == null) {
            return mark(store, keycloakSessionId, offline, TimeUnit.SECONDS.toMillis(UNKNOWN_REALM_LIFESPAN_SECONDS));
        }
        long now = Time.currentTimeMillis();
        long until = Math.max(SessionExpirationUtils.calculateUserSessionIdleTimestamp(offline, false, now, realm),
                SessionExpirationUtils.calculateUserSessionIdleTimestamp(offline, true, now, realm)) + IDLE_GRACE_MILLIS;
        return mark(store, keycloakSessionId, offline, until - now);
    }

    private static boolean mark(SingleUseObjectProvider store, String keycloakSessionId, boolean offline,
                                long lifespanMillis) {
        long lifespanSeconds = Math.max(MIN_LIFESPAN_SECONDS, TimeUnit.MILLISECONDS.toSeconds(lifespanMillis));
        // putIfAbsent writes at once, not at commit: racing requests must see the mark before the removal commits.
        return store.putIfAbsent(key(keycloakSessionId, offline), lifespanSeconds);
    }

    /** Whether the Keycloak session of this kind with this id was ended. */
    public static boolean isRevoked(KeycloakSession session, String keycloakSessionId, boolean offline) {
        return isRevoked(session.singleUseObjects(), keycloakSessionId, offline);
    }

    /** As {@link #isRevoked(KeycloakSession, String, boolean)}, with the session's store already at hand. */
    static boolean isRevoked(SingleUseObjectProvider store, String keycloakSessionId, boolean offline) {
        return store != null && keycloakSessionId != null && store.contains(key(keycloakSessionId, offline));
    }

    /** Whether the online or the offline Keycloak session with this id was ended. */
    static boolean isEitherRevoked(SingleUseObjectProvider store, String keycloakSessionId) {
        return isRevoked(store, keycloakSessionId, false) || isRevoked(store, keycloakSessionId, true);
    }

    private static String key(String keycloakSessionId, boolean offline) {
        return KEY_PREFIX + (offline ? "offline." : "online.") + keycloakSessionId;
    }
}
