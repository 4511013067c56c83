package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts the "This wasn't me" confirmation at {@code /realms/{realm}/}{@value #PROVIDER_ID}. */
public final class NotMeConfirmationFactory implements RealmResourceProviderFactory, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "session-manager-not-me";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new NotMeConfirmation(session);
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
