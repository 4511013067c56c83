package io.sessionmanager.keycloak.model;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public class SessionEntityProviderFactory implements JpaEntityProviderFactory {

    /** Also names Liquibase's history table: DATABASECHANGELOG_SESSION_MA. */
    public static final String PROVIDER_ID = "session-manager";

    private static final JpaEntityProvider PROVIDER = new SessionEntityProvider();

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
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
