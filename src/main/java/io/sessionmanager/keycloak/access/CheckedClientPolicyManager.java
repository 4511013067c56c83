package io.sessionmanager.keycloak.access;

import io.sessionmanager.keycloak.guard.RestoredCopies;
import io.sessionmanager.keycloak.guard.RevocationMarks;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.cookie.CookieProvider;
import org.keycloak.cookie.CookieType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.DefaultClientPolicyManager;
import org.keycloak.services.clientpolicy.context.PreAuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.TokenIntrospectContext;
import org.keycloak.services.clientpolicy.context.UserInfoRequestContext;

/**
 * Keycloak's client-policy manager, which Keycloak consults on every authorization, introspection
 * and userinfo request of every realm, with two checks first: a session this extension revoked
 * ({@link RevocationMarks}) that a racing request brought back is ended again before it serves, and
 * the realm's inactivity limit holds ({@link InactivityLimit}). Keycloak's own client policies then
 * run as they always do.
 * <ul>
 *   <li>An authorization request is consulted before Keycloak reads the browser's SSO cookie (which
 *       marks the session as used): the cookie's session, if revoked or idle, is ended, and the
 *       browser is asked to sign in again.</li>
 *   <li>Introspection is consulted before Keycloak looks the session up: a revoked or idle session
 *       is ended, and Keycloak answers {@code active: false} as for any ended session.</li>
 *   <li>Userinfo is consulted before Keycloak looks the session up (26.4, 26.5) or after it found
 *       it valid (26.7): either way a revoked or idle one is ended and the request refused with
 *       Keycloak's own {@code 401 invalid_token}.</li>
 * </ul>
 */
final class CheckedClientPolicyManager extends DefaultClientPolicyManager {

    private static final String TOKEN = "token";

    private final KeycloakSession session;

    CheckedClientPolicyManager(KeycloakSession session) {
        super(session);
        this.session = session;
    }

    @Override
    public void triggerOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (context instanceof PreAuthorizationRequestContext) {
            String cookie = session.getProvider(CookieProvider.class).get(CookieType.IDENTITY);
            endIfRevokedOrIdle(UnverifiedToken.read(cookie), false);
        } else if (context instanceof TokenIntrospectContext introspection) {
            endIfRevokedOrIdle(UnverifiedToken.read(introspection.getParams().getFirst(TOKEN)), false);
        } else if (context instanceof UserInfoRequestContext userInfo
                && endIfRevokedOrIdle(UnverifiedToken.read(userInfo.getTokenForUserInfo().getToken()), true)) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_TOKEN, "Session not active",
                    Response.Status.UNAUTHORIZED);
        }
        super.triggerOnEvent(context);
    }

    /**
     * Whether the token's session was revoked or idle, and is now ended. A revoked one is ended
     * again in a transaction committed at once (reading it in this request could bring back a copy
     * that nothing ends before it serves), so Keycloak's lookup finds it gone. An idle one is ended
     * in this request's transaction, or, for a request that then refuses ({@code refusing}: the
     * refusal rolls the request back), in one of its own.
     */
    private boolean endIfRevokedOrIdle(UnverifiedToken token, boolean refusing) {
        RealmModel realm = session.getContext().getRealm();
        if (token == null || realm == null) {
            return false;
        }
        if (RestoredCopies.endIfRevoked(session, realm, token.sessionId(), token.offline())) {
            return true;
        }
        UserSessionModel used = used(realm, token);
        return refusing ? inactivityLimit().endNowIfIdle(used) : inactivityLimit().endIfIdle(used);
    }

    /** The token's session as Keycloak will look it up: the online one, else the offline one. */
    private UserSessionModel used(RealmModel realm, UnverifiedToken token) {
        UserSessionModel used = token.offline() ? null : session.sessions().getUserSession(realm, token.sessionId());
        return used != null ? used : session.sessions().getOfflineUserSession(realm, token.sessionId());
    }

    private InactivityLimit inactivityLimit() {
        return InactivityLimit.of(session, session.getContext().getRealm());
    }
}
