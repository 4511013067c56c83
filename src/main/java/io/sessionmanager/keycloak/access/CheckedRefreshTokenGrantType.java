package io.sessionmanager.keycloak.access;

import io.sessionmanager.keycloak.guard.RevocationMarks;
import io.sessionmanager.keycloak.metrics.SessionMetrics;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.grants.RefreshTokenGrantType;
import org.keycloak.services.CorsErrorResponseException;

/**
 * Keycloak's refresh-token grant, refusing sessions this extension revoked ({@link RevocationMarks})
 * the way Keycloak refuses any dead session: {@code 400 invalid_grant}. It checks before Keycloak
 * reads the session (so a refresh that starts after a revocation never brings the session back) and
 * again after (a revocation that landed meanwhile wins, and the refresh's writes are rolled back).
 */
final class CheckedRefreshTokenGrantType extends RefreshTokenGrantType {

    private static final String SESSION_REVOKED = "Session not active";

    @Override
    public Response process(Context context) {
        UnverifiedToken token = UnverifiedToken.read(context.getFormParams().getFirst(OAuth2Constants.REFRESH_TOKEN));
        if (token == null) {
            return super.process(context);
        }
        String sessionId = token.sessionId();
        refuseIfRevoked(context, token);
        if (endIfIdle(context, token)) {
            refuse(context, sessionId);
        }
        Response response;
        try {
            response = super.process(context);
        } catch (WebApplicationException e) {
            throw e;
        } catch (RuntimeException e) {
            // Keycloak's grant reads the session again after refreshing: one removed in between is a null there.
            refuseIfRevoked(context, token);
            throw e;
        }
        refuseIfRevoked(context, token);
        return response;
    }

    /** Ends a session unused past the realm's limit; returns whether it did, and this refresh is to be refused. */
    private static boolean endIfIdle(Context context, UnverifiedToken token) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserSessionModel used = token.offline()
                ? session.sessions().getOfflineUserSession(realm, token.sessionId())
                : session.sessions().getUserSession(realm, token.sessionId());
        return InactivityLimit.of(session, realm).endNowIfIdle(used);
    }

    private static void refuseIfRevoked(Context context, UnverifiedToken token) {
        if (RevocationMarks.isRevoked(context.getSession(), token.sessionId(), token.offline())) {
            SessionMetrics.revocationRefused();
            refuse(context, token.sessionId());
        }
    }

    private static void refuse(Context context, String sessionId) {
        KeycloakSession session = context.getSession();
        session.getTransactionManager().setRollbackOnly();
        context.getEvent().session(sessionId).detail(Details.REASON, SESSION_REVOKED).error(Errors.INVALID_TOKEN);
        throw new CorsErrorResponseException(context.getCors(), OAuthErrorException.INVALID_GRANT, SESSION_REVOKED,
                Response.Status.BAD_REQUEST);
    }
}
