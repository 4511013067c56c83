package io.sessionmanager.keycloak;

import io.sessionmanager.keycloak.cleanup.CleanupScheduler;
import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.config.PolicyField;
import io.sessionmanager.keycloak.config.ServerSettings;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionManagerConfigFactory;
import io.sessionmanager.keycloak.config.SessionPolicy;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The extension as Keycloak starts and stops it, its composition root: reads the server options
 * once, hands them to every {@link SessionManagerConfig}, starts the scheduled cleanup they
 * configure, and shows its version and the settings in force on Keycloak's server-info page
 * (the admin console's Provider info, under {@code session-manager}).
 */
public class SessionManagerExtension implements SessionManagerConfigFactory, ServerInfoAwareProviderFactory,
        OnSupportedKeycloak {

    public static final String PROVIDER_ID = "default";
    private static final String VERSION_RESOURCE = "session-manager.properties";

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

    /** The version, then each server option as in force (the default policy's fields as the admin API shows them). */
    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", version());
        SessionPolicy defaults = settings.defaultPolicy();
        for (PolicyField field : PolicyField.values()) {
            info.put(field.option(), String.valueOf(field.valueIn(defaults)));
        }
        info.put(ServerSettings.CLEANUP_INTERVAL, settings.cleanupInterval().toString());
        info.put(ServerSettings.CLEANUP_INITIAL_DELAY, settings.cleanupInitialDelay().toString());
        info.put(ServerSettings.CLEANUP_BATCH_SIZE, String.valueOf(settings.cleanupBatchSize()));
        info.put(ServerSettings.NOT_ME_LINK_LIFESPAN, settings.notMeLinkLifespan().toString());
        return info;
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = SessionManagerExtension.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
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
