package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * The {@value #PROVIDER_ID} event listener. Global: enforcing the session policy does not wait for
 * a realm to enable recording (docs/ARCHITECTURE.md, "What holds without the realm's listener").
 */
public class PolicyListenerFactory implements EventListenerProviderFactory, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "session-manager-policy";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new PolicyListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
