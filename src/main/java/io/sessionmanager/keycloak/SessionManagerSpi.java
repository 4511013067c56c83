package io.sessionmanager.keycloak;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionManagerConfigFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The extension's own SPI, {@code session-manager}, so that its server options read like
 * Keycloak's: {@code --spi-session-manager--default--max-inactivity=P7D}.
 */
public class SessionManagerSpi implements Spi {

    public static final String NAME = "session-manager";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return SessionManagerConfig.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SessionManagerConfigFactory.class;
    }
}
