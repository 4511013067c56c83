package io.sessionmanager.keycloak.sessions;

import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.SessionExpirationUtils;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An active record together with the Keycloak sessions that keep it alive: the online one, the
 * offline one with the same id, or both. Keycloak's view wins where the two could differ.
 */
public record LiveSession(SessionRecord record, UserSessionModel online, UserSessionModel offline) {

    public SessionType type() {
        return offline != null ? SessionType.OFFLINE : SessionType.ONLINE;
    }

    /** The later of our own throttled activity time and Keycloak's last refresh of either session. */
    public long lastActive() {
        return keycloakSessions()
                .mapToLong(s -> s.getLastSessionRefresh() * 1000L)
                .reduce(record.getLastActive(), Math::max);
    }

    /** Unused for {@code maxInactivity} or longer, however long Keycloak itself would keep it. */
    public boolean isInactive(Duration maxInactivity, long now) {
        return lastActive() + maxInactivity.toMillis() <= now;
    }

    /** Clients recorded so far plus those Keycloak holds a client session for right now. */
    public Set<String> clientIds(RealmModel realm) {
        Set<String> ids = new LinkedHashSet<>(record.clientIds());
        keycloakSessions()
                .flatMap(s -> s.getAuthenticatedClientSessions().keySet().stream())
                .map(realm::getClientById)
                .filter(client -> client != null)
                .map(ClientModel::getClientId)
                .forEach(ids::add);
        return ids;
    }

    public SessionDeadlines deadlines(RealmModel realm, SessionPolicy policy) {
        long lastActive = lastActive();
        return keycloakSessions()
                .map(s -> deadlines(realm, s, lastActive, policy))
                .reduce(SessionDeadlines::orLater)
                .orElseThrow();
    }

    /** Keycloak's hard end of the sign-in (the later of both sessions), or null when it has none. */
    public Long maxLifespanDeadline(RealmModel realm) {
        long[] deadlines = keycloakSessions().mapToLong(s -> maxLifespan(realm, s)).toArray();
        return Arrays.stream(deadlines).anyMatch(d -> d < 0) ? null : Arrays.stream(deadlines).max().orElseThrow();
    }

    private static long maxLifespan(RealmModel realm, UserSessionModel s) {
        return SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(
                s.isOffline(), s.isRememberMe(), s.getStarted() * 1000L, realm);
    }

    private static SessionDeadlines deadlines(RealmModel realm, UserSessionModel s, long lastActive, SessionPolicy policy) {
        long idle = SessionExpirationUtils.calculateUserSessionIdleTimestamp(
                s.isOffline(), s.isRememberMe(), s.getLastSessionRefresh() * 1000L, realm);
        return SessionDeadlines.of(idle, maxLifespan(realm, s), lastActive, policy.maxInactivity());
    }

    private Stream<UserSessionModel> keycloakSessions() {
        return Stream.of(online, offline).filter(s -> s != null);
    }
}
