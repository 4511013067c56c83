package io.sessionmanager.keycloak.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.authentication.actiontoken.DefaultActionToken;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

import java.net.URI;
import java.util.UUID;

/**
 * The "This wasn't me" link of the new-device email: a Keycloak action token, signed with the
 * realm's keys, naming the user and the one session (by its public record id) it may end.
 */
public final class NotMeToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "session-manager-not-me";

    @JsonProperty("smsid")
    private String sessionId;

    /** {@code email}: the address the link is mailed to; a link left in a mailbox the user gave up ends nothing. */
    NotMeToken(String userId, String email, String sessionId, int expiresAt) {
        super(userId, TOKEN_TYPE, expiresAt, null);
        setEmail(email);
        this.sessionId = sessionId;
    }

    /** For Jackson. */
    private NotMeToken() {
    }

    /** The public id of the session the link ends. */
    public String getSessionId() {
        return sessionId;
    }

    /** The signed link, as Keycloak's own action-token links are built. */
    URI link(KeycloakSession session, RealmModel realm, URI serverUri) {
        String issuer = Urls.realmIssuer(serverUri, realm.getName());
        issuedNow().id(UUID.randomUUID().toString()).issuer(issuer).audience(issuer);
        return Urls.loginActionsBase(serverUri).path("action-token")
                .queryParam("key", session.tokens().encode(this))
                .build(realm.getName());
    }
}
