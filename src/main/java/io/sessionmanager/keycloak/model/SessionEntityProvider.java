package io.sessionmanager.keycloak.model;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

import java.util.List;

/** Registers the extension's tables and their Liquibase changelog in Keycloak's own database. */
public class SessionEntityProvider implements JpaEntityProvider {

    static final String CHANGELOG = "META-INF/session-manager/changelog-master.xml";

    @Override
    public List<Class<?>> getEntities() {
        return List.of(SessionRecord.class, CleanupRun.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return SessionEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {
    }
}
