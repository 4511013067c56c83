package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.http.MalformedContentTypeResource;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.UserSessions;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.managers.ClientSessionCode;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.storage.ReadOnlyException;

import java.util.Optional;

/**
 * The confirming {@code POST} of a "This wasn't me" link: ends the reported session, or every
 * session of the user, through the one revocation path ({@code USER_REPORTED} for the reported one).
 * Whoever holds the mail gets no more than that: no password form, as the realm's own reset flow
 * may ask for more (or forbid it). With every session ended, a user with a password stored here
 * gets the update-password required action, so their next sign-in chooses a new one; others are
 * told where their password is managed.
 */
public final class NotMeConfirmation implements RealmResourceProvider {

    static final String REPORTED_SESSION_DETAIL = "session_manager_reported_session";
    static final String REPORTED_IP_DETAIL = "session_manager_reported_ip_address";
    static final String REPORTED_DEVICE_DETAIL = "session_manager_reported_device";
    /** Event detail: {@code true} when the user chose to end every session. */
    static final String ENDED_EVERY_SESSION_DETAIL = "session_manager_ended_every_session";
    /** The form's button that ends every session rather than the reported one. */
    static final String END_EVERY_SESSION = "all";

    private final KeycloakSession session;
    private final RealmModel realm;

    NotMeConfirmation(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @Override
    public Object getResource() {
        return MalformedContentTypeResource.orElse(session, realm, () -> this);
    }

    @POST
    public Response confirm(@QueryParam(Constants.CLIENT_ID) String clientId, @QueryParam(Constants.TAB_ID) String tabId) {
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.EXECUTE_ACTION_TOKEN).detail(Details.ACTION, NotMeToken.TOKEN_TYPE);
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        ClientSessionCode.ParseResult<AuthenticationSessionModel> code = client == null ? null
                : ClientSessionCode.parseResult(form.getFirst("session_code"), tabId, session, realm, client, event,
                AuthenticationSessionModel.class);
        if (code == null || code.getCode() == null) {
            return refused(event, Errors.INVALID_CODE, null, "sessionManagerNotMeStale");
        }
        AuthenticationSessionModel authSession = code.getClientSession();
        session.getContext().setClient(client);
        session.getContext().setAuthenticationSession(authSession);
        event.client(client);
        UserModel user = authSession.getAuthenticatedUser();
        Optional<NotMeVisit> visit = NotMeVisit.in(authSession);
        if (user == null || visit.isEmpty() || !visit.get().mailedTo(user)) {
            return refused(event, Errors.INVALID_CODE, authSession, "sessionManagerNotMeStale");
        }
        event.user(user);
        Optional<UserModel> other = NotMeVisit.otherUserSignedIn(session, realm, user);
        if (other.isPresent()) {
            return refused(event, Errors.DIFFERENT_USER_AUTHENTICATED, authSession,
                    Messages.DIFFERENT_USER_AUTHENTICATED, other.get().getUsername());
        }
        return end(authSession, user, visit.get(), END_EVERY_SESSION.equals(form.getFirst("end")), event);
    }

    private Response end(AuthenticationSessionModel authSession, UserModel user, NotMeVisit visit,
                         boolean everySession, EventBuilder event) {
        Optional<SessionRecord> reported = visit.unspentRecord(session, realm, user);
        if (reported.isEmpty()) {
            return refused(event, Errors.EXPIRED_CODE, authSession, Messages.EXPIRED_ACTION);
        }
        Optional<SessionRecord> live = NotMeVisit.stillLive(session, realm, user, reported.get());
        if (live.isEmpty()) {
            return NotMePages.outcome(session, realm, authSession, reported.get(), "sessionManagerNotMeAlreadyEnded");
        }
        if (!visit.spend(session)) {
            return refused(event, Errors.EXPIRED_CODE, authSession, Messages.EXPIRED_ACTION);
        }
        if (everySession) {
            // Every other session first: ending them takes transactions of their own, which would
            // wait on the reported record if this one had ended it already.
            new UserSessions(session, realm).revokeAll(user, EndReason.LOGOUT_EVERYWHERE,
                    live.get().getKeycloakSessionId());
        }
        SessionRevoker.of(session, realm).revoke(live.get(), EndReason.USER_REPORTED);
        NewDeviceAlert.reported(session, realm, live.get());
        event.detail(REPORTED_SESSION_DETAIL, live.get().getId())
                .detail(REPORTED_IP_DETAIL, live.get().getIpAddress())
                .detail(REPORTED_DEVICE_DETAIL, live.get().getDeviceInfo().summary())
                .detail(ENDED_EVERY_SESSION_DETAIL, Boolean.toString(everySession))
                .success();
        return NotMePages.outcome(session, realm, authSession, live.get(), outcomeMessage(user, everySession));
    }

    /**
     * The outcome page's message, after asking the next sign-in for a new password where that is
     * due: only with every session ended, as Keycloak asks for a required action at single sign-on
     * too, so a browser still signed in (a stolen cookie, say) would get the new-password form
     * without the old password.
     */
    private String outcomeMessage(UserModel user, boolean everySession) {
        if (!everySession) {
            return "sessionManagerNotMeEnded";
        }
        return asksForNewPassword(user) ? "sessionManagerNotMeEverywhereNewPasswordNext"
                : "sessionManagerNotMeEverywherePasswordElsewhere";
    }

    /**
     * Makes the user's next sign-in choose a new password, and says whether it did: only for a password stored here,
     * where the realm lets the update-password action run. A directory's or an identity provider's
     * password, or none (passkeys only), is changed where it lives.
     */
    private boolean asksForNewPassword(UserModel user) {
        RequiredActionProviderModel updatePassword =
                realm.getRequiredActionProviderByAlias(UserModel.RequiredAction.UPDATE_PASSWORD.name());
        boolean storedPassword = user.credentialManager()
                .getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).findAny().isPresent();
        if (updatePassword == null || !updatePassword.isEnabled() || !storedPassword) {
            return false;
        }
        try {
            user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
            return true;
        } catch (ReadOnlyException e) {
            // A read-only user store: failing here would roll the ended sessions back.
            return false;
        }
    }

    /** Keycloak's error page, and an error event: refused confirmations leave a trace for administrators. */
    private Response refused(EventBuilder event, String eventError, AuthenticationSessionModel authSession,
                             String message, Object... parameters) {
        event.error(eventError);
        return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST, message, parameters);
    }

    @Override
    public void close() {
    }
}
