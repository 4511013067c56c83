package io.sessionmanager.keycloak.revoke;

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
 * ({@link RevokedSessions}) that a racing request brought back is ended again before it serves, and
 * the realm's inactivity limit holds ({@link InactivityGuard}). Keycloak's own client policies then
 * run as they always do.
 * <ul>
 *   <li>An authorization request is consulted before Keycloak reads the browser's SSO cookie (which
 *       marks the session as used): the cookie's session, if revoked or idle, is ended, and the
 *       browser is asked to sign in again.</li>
 *   <li>Introspection is consulted before Keycloak looks the session up: a revoked or idle session
 *       is ended, and Keycloak answers {@code active: false} as for any ended session.</li>
 *   <li>Userinfo is consulted after Keycloak found the session valid: a revoked or idle one is
 *       ended and the request refused with Keycloak's own {@code 401 invalid_token}.</li>
 * </ul>
 */
final class GuardedClientPolicyManager extends DefaultClientPolicyManager {

    private static final String TOKEN = "token";

    private final KeycloakSession session;

    GuardedClientPolicyManager(KeycloakSession session) {
        super(session);
        this.session = session;
    }

    @Override
    public void triggerOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (context instanceof PreAuthorizationRequestContext) {
            endIfRevokedOrIdle(UnverifiedToken.read(session.getProvider(CookieProvider.class).get(CookieType.IDENTITY)));
        } else if (context instanceof TokenIntrospectContext introspection) {
            endIfRevokedOrIdle(UnverifiedToken.read(introspection.getParams().getFirst(TOKEN)));
        } else if (context instanceof UserInfoRequestContext userInfo && userInfo.getClientSession() != null
                && endedNow(userInfo.getClientSession().getUserSession())) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_TOKEN, "Session not active",
                    Response.Status.UNAUTHORIZED);
        }
        super.triggerOnEvent(context);
    }

    /**
     * Before Keycloak looks the session up. A revoked one is ended again in a transaction committed
     * at once (reading it in this request could bring back a copy that nothing ends before it
     * serves), so Keycloak's lookup finds it gone. Otherwise it is looked up as Keycloak will (the
     * online one, else the offline one) and ended if idle.
     */
    private void endIfRevokedOrIdle(UnverifiedToken token) {
        RealmModel realm = session.getContext().getRealm();
        if (token == null || realm == null) {
            return;
        }
        if (RevokedSessions.isRevoked(session, realm.getId(), token.sessionId())) {
            SessionRevoker.endAgainNow(session, realm, token.sessionId());
            return;
        }
        UserSessionModel used = token.offline() ? null : session.sessions().getUserSession(realm, token.sessionId());
        if (used == null) {
            used = session.sessions().getOfflineUserSession(realm, token.sessionId());
        }
        guard().endIfIdle(used);
    }

    /** After Keycloak found the session valid: whether it was revoked or idle, and is now ended. */
    private boolean endedNow(UserSessionModel used) {
        RealmModel realm = session.getContext().getRealm();
        if (RevokedSessions.isRevoked(session, realm.getId(), used.getId())) {
            SessionRevoker.endAgainNow(session, realm, used.getId());
            return true;
        }
        return guard().endNowIfIdle(used);
    }

    private InactivityGuard guard() {
        return InactivityGuard.of(session, session.getContext().getRealm());
    }
}
