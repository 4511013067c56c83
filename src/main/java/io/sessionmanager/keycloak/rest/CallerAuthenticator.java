package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.compat.TokenAlgorithm;
import io.sessionmanager.keycloak.compat.TokenCors;
import io.sessionmanager.keycloak.revoke.InactivityGuard;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.Auth;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Checks the bearer token the way Keycloak's own account REST API does, so admins control access
 * the same way: signature, expiry, issuer and a live user session (Keycloak's
 * {@code BearerTokenAuthenticator}), the {@code account} audience, the account roles, no service
 * accounts, then CORS for the token's web origins.
 */
final class CallerAuthenticator {

    /** What a request wants to do, and so which account roles it needs. */
    enum Access {
        READ(AccountRoles.VIEW_PROFILE, AccountRoles.MANAGE_ACCOUNT),
        MANAGE(AccountRoles.MANAGE_ACCOUNT);

        private final String[] roles;

        Access(String... roles) {
            this.roles = roles;
        }
    }

    static final String[] METHODS = {"GET", "DELETE"};

    private final KeycloakSession session;
    private final RealmModel realm;

    CallerAuthenticator(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    Caller authenticate(Access access) {
        AuthResult result = bearerToken();
        ClientModel account = realm.getClientByClientId(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !account.isEnabled()) {
            throw ApiError.forbidden("Account management is disabled in this realm");
        }
        AccessToken token = withAccountClaims(result, account);
        if (!token.hasAudience(account.getClientId())) {
            throw ApiError.forbidden("The token's audience does not include the account client");
        }
        allowOrigin(token);
        if (result.getUser().getServiceAccountClientLink() != null) {
            throw ApiError.forbidden("Service accounts have no sessions to manage");
        }
        Auth auth = new Auth(realm, token, result.getUser(), result.getClient(), result.getSession(), false);
        if (!auth.hasOneOfAppRole(account, access.roles)) {
            throw ApiError.forbidden("The token lacks the account role this request needs");
        }
        return new Caller(result.getUser(), result.getSession().getId());
    }

    private AuthResult bearerToken() {
        AuthResult result;
        try {
            String token = AppAuthManager.extractAuthorizationHeaderToken(session.getContext().getRequestHeaders());
            if (token != null && !TokenAlgorithm.isVerifiable(session, token)) {
                throw ApiError.unauthorized("The bearer token is signed with an algorithm this realm does not accept");
            }
            result = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (NotAuthorizedException e) {
            throw ApiError.unauthorized("The Authorization header must be a bearer token");
        }
        if (result == null || SessionRevoker.endAgainIfRevoked(session, realm, result.getSession().getId(),
                result.getSession().isOffline())
                || InactivityGuard.of(session, realm).endIfIdle(result.getSession())) {
            throw ApiError.unauthorized("Missing, invalid or expired bearer token, or its session has ended");
        }
        return result;
    }

    /** Lightweight tokens carry no audience or roles; recover them as Keycloak's account API does. */
    private AccessToken withAccountClaims(AuthResult result, ClientModel account) {
        AccessToken token = result.getToken();
        if (token.getAudience() != null && token.getResourceAccess(account.getClientId()) != null) {
            return token;
        }
        AccessTokenIntrospectionProvider introspection = (AccessTokenIntrospectionProvider) session.getProvider(
                TokenIntrospectionProvider.class, AccessTokenIntrospectionProviderFactory.ACCESS_TOKEN_TYPE);
        return introspection.transformAccessToken(token, result.getSession());
    }

    private void allowOrigin(AccessToken token) {
        try {
            TokenCors.checkAllowedOrigins(session, Cors.builder(), token).allowedMethods(METHODS).auth().add();
        } catch (ForbiddenException e) {
            throw ApiError.forbidden("Origin not allowed for the token's client");
        }
    }
}
