package io.sessionmanager.keycloak.access;

import io.sessionmanager.keycloak.compat.SupportedKeycloak;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.DefaultClientPolicyManagerFactory;

/**
 * Takes the place of Keycloak's client-policy manager (same id, higher order): the manager is
 * Keycloak's own, with the inactivity check of {@link CheckedClientPolicyManager} in front.
 */
public class CheckedClientPolicyManagerFactory extends DefaultClientPolicyManagerFactory {

    /** Above Keycloak's own factory (order 0), which shares the id. */
    static final int ORDER = 100;

    @Override
    public ClientPolicyManager create(KeycloakSession session) {
        return new CheckedClientPolicyManager(session);
    }

    @Override
    public int order() {
        return SupportedKeycloak.orderAboveKeycloak(ORDER);
    }
}
