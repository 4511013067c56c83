package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.LiveSession;
import io.sessionmanager.keycloak.sessions.SessionReconciler;
import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.services.ErrorPage;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.storage.ReadOnlyException;

import java.util.Objects;
import java.util.Optional;

/**
 * Follows a "This wasn't me" link: shows what it will end and asks to confirm; confirmed, it ends
 * that one session through {@link SessionRevoker} ({@code USER_REPORTED}). Whoever holds the mail
 * gets no more than that: no password form, as the realm's own reset flow may ask for more (or
 * forbid it). A user with a password stored here gets the update-password required action, so
 * their next sign-in (single sign-on included) chooses a new one; others are told where their
 * password is managed. A link works once, for the address it was mailed to; Keycloak refuses
 * expired or forged ones.
 */
public final class NotMeTokenHandler extends AbstractActionTokenHandler<NotMeToken> implements OnSupportedKeycloak {

    static final String REPORTED_SESSION_DETAIL = "session_manager_reported_session";
    static final String REPORTED_IP_DETAIL = "session_manager_reported_ip_address";
    static final String REPORTED_DEVICE_DETAIL = "session_manager_reported_device";

    public NotMeTokenHandler() {
        super(NotMeToken.TOKEN_TYPE, NotMeToken.class, Messages.INVALID_CODE, EventType.EXECUTE_ACTION_TOKEN,
                Errors.INVALID_TOKEN);
    }

    @Override
    public Predicate<? super NotMeToken>[] getVerifiers(ActionTokenContext<NotMeToken> context) {
        return TokenUtils.predicates(TokenUtils.checkThat(
                t -> Objects.equals(t.getEmail(), context.getAuthenticationSession().getAuthenticatedUser().getEmail()),
                Errors.INVALID_EMAIL, getDefaultErrorMessage()));
    }

    @Override
    public Response handleToken(NotMeToken token, ActionTokenContext<NotMeToken> context) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        UserModel signedIn = signedInUser(session, realm);
        if (signedIn != null && !signedIn.getId().equals(user.getId())) {
            return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST,
                    Messages.DIFFERENT_USER_AUTHENTICATED, signedIn.getUsername());
        }
        Optional<SessionRecord> record = SessionStore.of(session).findForUser(realm.getId(), user.getId(),
                token.getSessionId());
        if (record.isEmpty() || wasUsed(session, token)) {
            return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }
        Optional<SessionRecord> live = stillLive(session, realm, user, record.get());
        if (live.isEmpty()) {
            return finalPage(context, record.get(), "sessionManagerNotMeAlreadyEnded");
        }
        if (context.isAuthenticationSessionFresh()) {
            return confirmation(token, context, live.get());
        }
        if (!session.singleUseObjects().putIfAbsent(usedKey(token), secondsLeft(token))) {
            return ErrorPage.error(session, authSession, Response.Status.BAD_REQUEST, Messages.EXPIRED_ACTION);
        }
        endReported(context, user, live.get());
        return finalPage(context, live.get(), asksForNewPassword(realm, user)
                ? "sessionManagerNotMeEndedNewPasswordNext" : "sessionManagerNotMeEndedPasswordElsewhere");
    }

    /** The reported session's record if Keycloak still holds the session; a list's reconciliation decides. */
    private static Optional<SessionRecord> stillLive(KeycloakSession session, RealmModel realm, UserModel user,
                                                     SessionRecord reported) {
        return new SessionReconciler(session, realm).activeSessions(user).stream()
                .map(LiveSession::record)
                .filter(r -> r.getId().equals(reported.getId()))
                .findFirst();
    }

    /** Ends the session through the one revocation path, and records who reported which session. */
    private static void endReported(ActionTokenContext<NotMeToken> context, UserModel user, SessionRecord record) {
        SessionRevoker.of(context.getSession(), context.getRealm()).revoke(record, EndReason.USER_REPORTED);
        NewDeviceAlert.reported(context.getSession(), context.getRealm(), record);
        context.getEvent().clone().event(EventType.EXECUTE_ACTION_TOKEN).user(user)
                .detail(Details.ACTION, NotMeToken.TOKEN_TYPE)
                .detail(REPORTED_SESSION_DETAIL, record.getId())
                .detail(REPORTED_IP_DETAIL, record.getIpAddress())
                .detail(REPORTED_DEVICE_DETAIL, record.getDeviceInfo().summary())
                .success();
    }

    /**
     * Whether the user's next sign-in must choose a new password: only for a password stored here,
     * where the realm lets the update-password action run. A directory's or an identity provider's
     * password, or none (passkeys only), is changed where it lives.
     */
    private static boolean asksForNewPassword(RealmModel realm, UserModel user) {
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
            // A read-only user store: failing here would roll the ended session back.
            return false;
        }
    }

    /** The last page: says what happened, offers nothing to continue with, and ends the authentication session. */
    private static Response finalPage(ActionTokenContext<NotMeToken> context, SessionRecord record, String message) {
        KeycloakSession session = context.getSession();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        new AuthenticationSessionManager(session).removeAuthenticationSession(context.getRealm(), authSession, true);
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        return forms.setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setAttribute("messageHeader", forms.getMessage("sessionManagerNotMeTitle"))
                .setAttribute(Constants.SKIP_LINK, true)
                .setSuccess(message, record.getDeviceInfo().shownSummary(), ipAddress(record))
                .createInfoPage();
    }

    /** The link opened in a fresh browser: the confirming link carries this browser's authentication session. */
    private static Response confirmation(NotMeToken token, ActionTokenContext<NotMeToken> context,
                                         SessionRecord record) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        token.setCompoundAuthenticationSessionId(
                AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId());
        String confirmUri = Urls.actionTokenBuilder(context.getUriInfo().getBaseUri(),
                        token.serialize(session, realm, context.getUriInfo()), authSession.getClient().getClientId(),
                        authSession.getTabId(), AuthenticationProcessor.getClientData(session, authSession))
                .build(realm.getName()).toString();
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        return forms.setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setAttribute("messageHeader", forms.getMessage("sessionManagerNotMeTitle"))
                .setSuccess("sessionManagerNotMeConfirm", record.getDeviceInfo().shownSummary(), ipAddress(record))
                .setAttribute(Constants.TEMPLATE_ATTR_ACTION_URI, confirmUri)
                .createInfoPage();
    }

    /** Who this browser is signed in as, if anyone. */
    private static UserModel signedInUser(KeycloakSession session, RealmModel realm) {
        AuthenticationManager.AuthResult signedIn =
                AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        return signedIn == null ? null : signedIn.getUser();
    }

    private static String ipAddress(SessionRecord record) {
        return record.getIpAddress() == null ? "-" : record.getIpAddress();
    }

    private static boolean wasUsed(KeycloakSession session, NotMeToken token) {
        return session.singleUseObjects().contains(usedKey(token));
    }

    /** Per link: the confirming link is the same token re-signed, keeping the user, the session and the nonce. */
    private static String usedKey(NotMeToken token) {
        return NotMeToken.TOKEN_TYPE + ":" + token.getUserId() + ":" + token.getSessionId() + ":"
                + token.getActionVerificationNonce();
    }

    private static long secondsLeft(NotMeToken token) {
        return Math.max(1, token.getExp() - Time.currentTime() + 60);
    }
}
