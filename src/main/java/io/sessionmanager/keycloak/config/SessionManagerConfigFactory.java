package io.sessionmanager.keycloak.config;

import org.keycloak.provider.ProviderFactory;

/** The factory type of the {@code session-manager} SPI: what makes a {@link SessionManagerConfig}. */
public interface SessionManagerConfigFactory extends ProviderFactory<SessionManagerConfig> {
}
