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
 * and userinfo request of every realm, with the realm's inactivity limit applied first
 * ({@link InactivityGuard}). Keycloak's own client policies then run as they always do.
 * <ul>
 *   <li>An authorization request is consulted before Keycloak reads the browser's SSO cookie (which
 *       marks the session as used): the cookie's session, if idle, is ended in the request, and the
 *       browser is asked to sign in again.</li>
 *   <li>Introspection is consulted before Keycloak looks the session up: an idle session is ended
 *       in the request, and Keycloak answers {@code active: false} as for any ended session.</li>
 *   <li>Userinfo is consulted after Keycloak found the session valid: an idle one is ended and the
 *       request refused with Keycloak's own {@code 401 invalid_token}.</li>
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
            endIfIdle(UnverifiedToken.read(session.getProvider(CookieProvider.class).get(CookieType.IDENTITY)));
        } else if (context instanceof TokenIntrospectContext introspection) {
            endIfIdle(UnverifiedToken.read(introspection.getParams().getFirst(TOKEN)));
        } else if (context instanceof UserInfoRequestContext userInfo && userInfo.getClientSession() != null
                && guard().endNowIfIdle(userInfo.getClientSession().getUserSession())) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_TOKEN, "Session not active",
                    Response.Status.UNAUTHORIZED);
        }
        super.triggerOnEvent(context);
    }

    /**
     * Looks the session up as Keycloak will: the online one, else the offline one. Not one this
     * extension revoked: the lookup itself would bring back a copy that its removal has not yet
     * taken from the database, and where Keycloak then refuses the use for another reason (a
     * disabled user), nothing would end that copy again.
     */
    private void endIfIdle(UnverifiedToken token) {
        RealmModel realm = session.getContext().getRealm();
        if (token == null || realm == null || RevokedSessions.isRevoked(session, realm.getId(), token.sessionId())) {
            return;
        }
        UserSessionModel used = token.offline() ? null : session.sessions().getUserSession(realm, token.sessionId());
        if (used == null) {
            used = session.sessions().getOfflineUserSession(realm, token.sessionId());
        }
        guard().endIfIdle(used);
    }

    private InactivityGuard guard() {
        return InactivityGuard.of(session, session.getContext().getRealm());
    }
}
