package io.sessionmanager.keycloak.config;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a realm's stored policy attributes into a {@link SessionPolicy}, once per distinct set of
 * values (the policy is read on every refresh). A value that does not parse, because someone set
 * the attribute by hand or through a realm import, falls back to the server default for that field
 * only, with one warning per realm and set of values rather than one per request.
 */
final class StoredPolicies {

    private static final Logger LOG = Logger.getLogger(StoredPolicies.class);

    private final SessionPolicy defaults;
    private final Map<String, Parsed> byRealmId = new ConcurrentHashMap<>();

    StoredPolicies(SessionPolicy defaults) {
        this.defaults = defaults;
    }

    SessionPolicy policy(String realmId, String realmName, List<String> values) {
        Stored stored = new Stored(realmName, values);
        Parsed parsed = byRealmId.get(realmId);
        if (parsed == null || !parsed.stored().equals(stored)) {
            parsed = new Parsed(stored, parse(stored));
            byRealmId.put(realmId, parsed);
        }
        return parsed.policy();
    }

    private SessionPolicy parse(Stored stored) {
        SessionPolicy policy = defaults;
        List<String> rejected = new ArrayList<>();
        for (PolicyField field : PolicyField.values()) {
            String value = stored.values().get(field.ordinal());
            if (value == null) {
                continue;
            }
            try {
                policy = policy.with(Map.of(field.key(), field.fromText(value)));
            } catch (IllegalArgumentException e) {
                rejected.add(e.getMessage());
            }
        }
        if (!rejected.isEmpty()) {
            LOG.warnf("Realm %s has invalid session-manager attributes; using the server defaults for them until an"
                    + " administrator saves the policy again: %s", stored.realmName(), String.join("; ", rejected));
        }
        return policy;
    }

    /** The stored values of one realm, in {@link PolicyField} order; null where the realm sets none. */
    private record Stored(String realmName, List<String> values) {
    }

    private record Parsed(Stored stored, SessionPolicy policy) {
    }
}
