package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.access.InactivityLimit;
import io.sessionmanager.keycloak.compat.TokenAlgorithm;
import io.sessionmanager.keycloak.compat.TokenCors;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.guard.RestoredCopies;
import io.sessionmanager.keycloak.http.ApiError;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.common.util.Time;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.Auth;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.managers.AuthenticationManager;

import java.time.Duration;

/**
 * Checks the bearer token the way Keycloak's own account REST API does, so admins control access
 * the same way: signature, expiry, issuer and a live user session (Keycloak's
 * {@code BearerTokenAuthenticator}), the {@code account} audience, the account roles, no service
 * accounts, then CORS for the token's web origins. Unlike that API, ending sessions also takes a
 * recent sign-in ({@link Access#END_SESSIONS}).
 */
final class CallerAuthenticator {

    /** What a request wants to do, and so which account roles it needs, and whether a recent sign-in. */
    enum Access {
        READ(false, AccountRoles.VIEW_PROFILE, AccountRoles.MANAGE_ACCOUNT),
        /** Ending sessions: ASVS 5.0 7.5.2 asks the user to authenticate again first (the realm's {@code reauthenticateWithin}). */
        END_SESSIONS(true, AccountRoles.MANAGE_ACCOUNT);

        private final boolean recentSignIn;
        private final String[] roles;

        Access(boolean recentSignIn, String... roles) {
            this.recentSignIn = recentSignIn;
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
        if (access.recentSignIn) {
            requireSignInWithin(session.getProvider(SessionManagerConfig.class).policy(realm).reauthenticateWithin(),
                    signedInAt(token, result.getSession()));
        }
        return new Caller(result.getUser(), result.getSession().getId());
    }

    /**
     * When the user last showed credentials for this token: its {@code auth_time}; without that
     * claim (a client without Keycloak's {@code basic} scope), the session's own note of it; without
     * that (a password grant, which starts a session of its own each time), the session's start.
     */
    private static long signedInAt(AccessToken token, UserSessionModel userSession) {
        if (token.getAuth_time() != null) {
            return token.getAuth_time();
        }
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        return note != null ? Long.parseLong(note) : userSession.getStarted();
    }

    /** RFC 9470: a token whose sign-in is older gets a challenge naming the {@code max_age} to sign in again with. */
    private static void requireSignInWithin(Duration within, long authTime) {
        if (within.isZero() || Time.currentTime() - authTime <= within.toSeconds()) {
            return;
        }
        throw ApiError.signInAgain("Ending sessions needs a sign-in within the last " + SessionPolicy.format(within)
                + ": sign in again (max_age=" + within.toSeconds() + ") and repeat the request", within.toSeconds());
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
        if (result == null || RestoredCopies.endIfRevoked(session, realm, result.getSession().getId(),
                result.getSession().isOffline())
                || InactivityLimit.of(session, realm).endIfIdle(result.getSession())) {
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
            TokenCors.checkAllowedOrigins(session, Cors.builder(), token).allowedMethods(METHODS)
                    .exposedHeaders(HttpHeaders.WWW_AUTHENTICATE).auth().add();
        } catch (ForbiddenException e) {
            throw ApiError.forbidden("Origin not allowed for the token's client");
        }
    }
}
