package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.metrics.RealmCounter;
import io.sessionmanager.keycloak.tx.AfterCommit;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

public class SessionEntityProviderFactory implements JpaEntityProviderFactory, OnSupportedKeycloak {

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

    /** Records go with their realm or user, in the transaction that removes them; a realm's counts go once its removal committed. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmRemovedEvent removed) {
                SessionStore.of(removed.getKeycloakSession()).deleteRealm(removed.getRealm().getId());
                String realmId = removed.getRealm().getId();
                AfterCommit.onCommit(removed.getKeycloakSession(), () -> RealmCounter.forgetRealm(realmId));
            } else if (event instanceof UserModel.UserRemovedEvent removed) {
                SessionStore.of(removed.getKeycloakSession())
                        .deleteUser(removed.getRealm().getId(), removed.getUser().getId());
            }
        });
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
