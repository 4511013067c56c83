package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.device.DeviceWords;
import io.sessionmanager.keycloak.model.SessionRecord;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.ClientSessionCode;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.net.URI;
import java.util.Map;

/** The pages a "This wasn't me" link leads to: the confirmation form, and the page that ends the visit. */
final class NotMePages {

    private static final String TEMPLATE = "session-manager-not-me.ftl";

    private NotMePages() {
    }

    /**
     * Asks to confirm, by a {@code POST} carrying Keycloak's one-time code of this browser's
     * authentication session (as its logout confirmation does): a link a mail scanner follows, or a
     * form another site submits, ends nothing.
     */
    static Response confirmation(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession,
                                 SessionRecord record) {
        String code = new ClientSessionCode<>(session, realm, authSession).getOrGenerateCode();
        String action = UriBuilder.fromUri(Urls.realmBase(session.getContext().getUri().getBaseUri())
                        .path(realm.getName()).path(NotMeConfirmationFactory.PROVIDER_ID)
                        .build())
                .queryParam(Constants.CLIENT_ID, authSession.getClient().getClientId())
                .queryParam(Constants.TAB_ID, authSession.getTabId())
                .build().toString();
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        return forms.setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setAttribute("notMe", Map.of("action", action, "code", code,
                        "device", record.getDeviceInfo().shownSummary(words(session, realm, authSession)), "ipAddress", ipAddress(record)))
                .createForm(TEMPLATE);
    }

    /**
     * The last page: says what happened, ends the authentication session, and leads on to the
     * user's sessions page at the realm's configured address (through Keycloak's sign-in, and its
     * new-password form where the confirmation asked for one), the only place the link's holder may
     * go from here. Mails carry links only where that address is configured, so it always is here.
     */
    static Response outcome(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession,
                            SessionRecord record, String message) {
        new AuthenticationSessionManager(session).removeAuthenticationSession(realm, authSession, true);
        URI linkBase = LinkBase.of(session, realm);
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        if (linkBase == null) {
            forms.setAttribute(Constants.SKIP_LINK, true);
        } else {
            forms.setAttribute("pageRedirectUri", NewDeviceAlert.sessionsPage(linkBase, realm).toString());
        }
        return forms.setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setAttribute("messageHeader", forms.getMessage("sessionManagerNotMeTitle"))
                .setSuccess(message, record.getDeviceInfo().shownSummary(words(session, realm, authSession)), ipAddress(record))
                .createInfoPage();
    }

    private static DeviceWords words(KeycloakSession session, RealmModel realm, AuthenticationSessionModel authSession) {
        return DeviceWords.forUser(session, realm, authSession.getAuthenticatedUser());
    }

    private static String ipAddress(SessionRecord record) {
        return record.getIpAddress() == null ? "-" : record.getIpAddress();
    }
}
