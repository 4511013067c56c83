package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.compat.SupportedKeycloak;
import org.keycloak.credential.PasswordCredentialProvider;
import org.keycloak.credential.PasswordCredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Takes the place of Keycloak's {@value PasswordCredentialProviderFactory#PROVIDER_ID} factory (same
 * id, higher order) to watch password changes ({@link WatchedPasswordCredentialProvider}).
 */
public class WatchedPasswordCredentialProviderFactory extends PasswordCredentialProviderFactory {

    @Override
    public PasswordCredentialProvider create(KeycloakSession session) {
        return new WatchedPasswordCredentialProvider(session, super.create(session));
    }

    @Override
    public int order() {
        return SupportedKeycloak.orderAboveKeycloak(1);
    }
}
