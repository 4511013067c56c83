package io.sessionmanager.keycloak;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.cleanup.CleanupScheduler;
import io.sessionmanager.keycloak.config.ServerSettings;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

import java.util.function.Supplier;

/**
 * The extension's composition root: reads the server options once, hands them to every
 * {@link SessionManagerConfig}, and starts the scheduled cleanup they configure.
 */
public class SessionManagerConfigFactory implements ProviderFactory<SessionManagerConfig>, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "default";

    private ServerSettings settings;
    private Supplier<SessionManagerConfig> configs;
    private KeycloakSessionFactory sessionFactory;

    @Override
    public SessionManagerConfig create(KeycloakSession session) {
        return configs.get();
    }

    @Override
    public void init(Config.Scope config) {
        settings = ServerSettings.from(config);
        configs = SessionManagerConfig.forServer(settings);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        sessionFactory = factory;
        CleanupScheduler.scheduleAfterMigration(factory, settings);
    }

    @Override
    public void close() {
        if (sessionFactory != null) {
            CleanupScheduler.cancel(sessionFactory);
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
