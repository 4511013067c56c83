package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * The {@value #PROVIDER_ID} event listener. It is global: a revocation must hold in every realm,
 * whether or not the realm enabled the {@code session-manager} listener for recording.
 */
public class RestoredCopyListenerFactory implements EventListenerProviderFactory, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "session-manager-race-guard";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new RestoredCopyListener(session);
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
