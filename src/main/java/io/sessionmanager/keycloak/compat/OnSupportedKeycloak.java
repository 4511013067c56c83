package io.sessionmanager.keycloak.compat;

import org.keycloak.Config;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * Implemented by every provider factory of the extension: Keycloak registers a factory only if it
 * is supported, so on a Keycloak outside {@link SupportedKeycloak#RANGE} there is no endpoint, no
 * listener, no table and no scheduled task, and Keycloak's own password, refresh-grant and
 * client-policy providers stay the ones in use.
 */
public interface OnSupportedKeycloak extends EnvironmentDependentProviderFactory {

    @Override
    default boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.isRunning();
    }
}
