package io.sessionmanager.keycloak.alert;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

import java.net.URI;

/**
 * Where a mail's links point: the server's address as the realm's Frontend URL or the server's
 * configured hostname give it, resolved by Keycloak's hostname provider. Never an address only a
 * sign-in's request named: without a fixed hostname Keycloak takes the request's Host header, and
 * an intruder signing in would choose where the victim's "This wasn't me" link leads.
 */
public final class LinkBase {

    /** The realm attribute behind the admin console's "Frontend URL". */
    private static final String FRONTEND_URL = "frontendUrl";

    private LinkBase() {
    }

    /** The base URI for the links of mails about this realm; null when neither address is configured. */
    public static URI of(KeycloakSession session, RealmModel realm) {
        boolean configured = isSet(realm.getAttribute(FRONTEND_URL))
                || isSet(Config.scope("hostname", "v2").get("hostname"));
        return configured ? session.getContext().getUri(UrlType.FRONTEND).getBaseUri() : null;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
