package io.sessionmanager.keycloak.config;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

import java.util.Map;

/**
 * Each realm's {@link SessionPolicy}, kept as realm attributes; a realm that set nothing follows
 * the server's defaults. Get it with {@code session.getProvider(SessionManagerConfig.class)}.
 */
public final class SessionManagerConfig implements Provider {

    private static final String PREFIX = "sessionManager.";

    private final ServerSettings settings;

    public SessionManagerConfig(ServerSettings settings) {
        this.settings = settings;
    }

    public SessionPolicy policy(RealmModel realm) {
        Map<String, String> stored = realm.getAttributes();
        SessionPolicy defaults = settings.defaultPolicy();
        try {
            return new SessionPolicy(
                    duration(stored, SessionPolicy.MAX_INACTIVITY, defaults.maxInactivity().toString()),
                    duration(stored, SessionPolicy.HISTORY_RETENTION, defaults.historyRetention().toString()),
                    SessionPolicy.revokeOnPasswordChange(stored.getOrDefault(PREFIX + SessionPolicy.REVOKE_ON_PASSWORD_CHANGE,
                            defaults.revokeOnPasswordChange().name())),
                    Boolean.parseBoolean(stored.getOrDefault(PREFIX + SessionPolicy.NOTIFY_NEW_DEVICE,
                            String.valueOf(defaults.notifyNewDevice()))));
        } catch (IllegalArgumentException e) {
            // Only the admin API writes these attributes, and it validates; someone edited them by hand.
            throw new IllegalStateException("Invalid session-manager attributes in realm " + realm.getName(), e);
        }
    }

    public void save(RealmModel realm, SessionPolicy policy) {
        policy.toMap().forEach((field, value) -> realm.setAttribute(PREFIX + field, String.valueOf(value)));
    }

    public ServerSettings settings() {
        return settings;
    }

    private static java.time.Duration duration(Map<String, String> stored, String field, String fallback) {
        return SessionPolicy.duration(field, stored.getOrDefault(PREFIX + field, fallback));
    }

    @Override
    public void close() {
    }
}
