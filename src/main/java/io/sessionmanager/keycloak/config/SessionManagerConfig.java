package io.sessionmanager.keycloak.config;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Each realm's {@link SessionPolicy}, kept as realm attributes; a realm that set nothing follows
 * the server's defaults. Get it with {@code session.getProvider(SessionManagerConfig.class)}.
 */
public final class SessionManagerConfig implements Provider {

    private static final String PREFIX = "sessionManager.";

    private final ServerSettings settings;
    private final StoredPolicies policies;

    SessionManagerConfig(ServerSettings settings, StoredPolicies policies) {
        this.settings = settings;
        this.policies = policies;
    }

    /** One per server: the parsed policies it holds are shared by every request. */
    public static Supplier<SessionManagerConfig> forServer(ServerSettings settings) {
        StoredPolicies policies = new StoredPolicies(settings.defaultPolicy());
        return () -> new SessionManagerConfig(settings, policies);
    }

    /** The realm's policy; fields it does not set, or set to something invalid, are the server's defaults. */
    public SessionPolicy policy(RealmModel realm) {
        List<String> stored = Arrays.stream(PolicyField.values()).map(field -> stored(realm, field)).toList();
        return policies.policy(realm.getId(), realm.getName(), stored);
    }

    /** A realm saved (or imported) before the policy covered every sign-in factor has it under its old name. */
    private static String stored(RealmModel realm, PolicyField field) {
        String value = realm.getAttribute(PREFIX + field.key());
        return value == null && field == PolicyField.REVOKE_ON_CREDENTIAL_CHANGE
                ? realm.getAttribute(PREFIX + PolicyField.OLD_REVOKE_NAME) : value;
    }

    /** Saves the realm's policy, and shows it in the admin console's tab where the console has tabs. */
    public void save(KeycloakSession session, RealmModel realm, SessionPolicy policy) {
        store(realm, policy);
        PolicyTab.show(session, realm, policy);
    }

    /** Writes the policy where {@link #policy} reads it. */
    void store(RealmModel realm, SessionPolicy policy) {
        policy.toMap().forEach((field, value) -> realm.setAttribute(PREFIX + field, String.valueOf(value)));
    }

    public ServerSettings settings() {
        return settings;
    }

    @Override
    public void close() {
    }
}
