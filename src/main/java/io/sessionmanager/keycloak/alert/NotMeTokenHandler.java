package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.model.SessionRecord;
import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Optional;

/**
 * Opens a "This wasn't me" link: shows which session it would end and asks to confirm, by a form
 * that {@link NotMeConfirmation} receives. Opening the link changes nothing. A link works once, for
 * the address it was mailed to; Keycloak refuses expired or forged ones.
 */
public final class NotMeTokenHandler extends AbstractActionTokenHandler<NotMeToken> implements OnSupportedKeycloak {

    public NotMeTokenHandler() {
        super(NotMeToken.TOKEN_TYPE, NotMeToken.class, Messages.INVALID_CODE, EventType.EXECUTE_ACTION_TOKEN,
                Errors.INVALID_TOKEN);
    }

    @Override
    public Predicate<? super NotMeToken>[] getVerifiers(ActionTokenContext<NotMeToken> context) {
        return TokenUtils.predicates(TokenUtils.checkThat(
                t -> NotMeVisit.of(t).mailedTo(context.getAuthenticationSession().getAuthenticatedUser()),
                Errors.INVALID_EMAIL, getDefaultErrorMessage()));
    }

    @Override
    public Response handleToken(NotMeToken token, ActionTokenContext<NotMeToken> context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        Optional<UserModel> other = NotMeVisit.otherUserSignedIn(session, realm, user);
        if (other.isPresent()) {
            return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST,
                    Messages.DIFFERENT_USER_AUTHENTICATED, other.get().getUsername());
        }
        NotMeVisit visit = NotMeVisit.of(token);
        Optional<SessionRecord> record = visit.unspentRecord(session, realm, user);
        if (record.isEmpty()) {
            return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }
        Optional<SessionRecord> live = NotMeVisit.stillLive(session, realm, user, record.get());
        if (live.isEmpty()) {
            return NotMePages.outcome(session, realm, authSession, record.get(), "sessionManagerNotMeAlreadyEnded");
        }
        visit.keepIn(authSession);
        return NotMePages.confirmation(session, realm, authSession, live.get());
    }
}
