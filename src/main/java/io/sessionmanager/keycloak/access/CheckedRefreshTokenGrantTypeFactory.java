package io.sessionmanager.keycloak.access;

import io.sessionmanager.keycloak.compat.SupportedKeycloak;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.RefreshTokenGrantTypeFactory;

/**
 * Takes the place of Keycloak's {@code refresh_token} grant (same id, higher order): the grant is
 * Keycloak's own, with the revocation check of {@link CheckedRefreshTokenGrantType} around it.
 */
public class CheckedRefreshTokenGrantTypeFactory extends RefreshTokenGrantTypeFactory {

    /** Above Keycloak's own factory (order 0), which shares the id. */
    static final int ORDER = 100;

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new CheckedRefreshTokenGrantType();
    }

    @Override
    public int order() {
        return SupportedKeycloak.orderAboveKeycloak(ORDER);
    }
}
