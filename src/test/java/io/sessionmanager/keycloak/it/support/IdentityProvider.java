package io.sessionmanager.keycloak.it.support;

import java.util.List;
import java.util.Map;

/**
 * A realm of the same server as an OpenID Connect identity provider of another: the broker realm
 * signs users in through it, and it tells the broker realm by back-channel logout (a signed logout
 * token naming its session) when one of those sessions ends on its side.
 */
public final class IdentityProvider {

    /** The identity provider's alias in the broker realm. */
    public static final String ALIAS = "upstream";
    private static final String CLIENT = "doors-broker";
    private static final String SECRET = "broker-secret";

    private final TestRealm upstream;
    private final TestRealm broker;

    private IdentityProvider(TestRealm upstream, TestRealm broker) {
        this.upstream = upstream;
        this.broker = broker;
    }

    /** Creates the realm {@code upstreamName} and makes it {@code broker}'s identity provider {@value #ALIAS}. */
    public static IdentityProvider create(KeycloakServer server, String upstreamName, TestRealm broker) {
        return create(server, upstreamName, broker, Map.of());
    }

    /** As {@link #create(KeycloakServer, String, TestRealm)}, the upstream realm with more settings. */
    public static IdentityProvider create(KeycloakServer server, String upstreamName, TestRealm broker,
                                          Map<String, Object> upstreamSettings) {
        TestRealm upstream = TestRealm.create(server, upstreamName, upstreamSettings);
        String brokerUrl = broker.url();
        upstream.admin().mustPost("/" + upstream.name() + "/clients", Map.of(
                "clientId", CLIENT,
                "publicClient", false,
                "secret", SECRET,
                "standardFlowEnabled", true,
                "redirectUris", List.of(brokerUrl + "/broker/" + ALIAS + "/endpoint"),
                "frontchannelLogout", false,
                "attributes", Map.of(
                        "backchannel.logout.url", brokerUrl + "/protocol/openid-connect/logout/backchannel-logout",
                        "backchannel.logout.session.required", "true")));
        String upstreamUrl = upstream.url() + "/protocol/openid-connect";
        broker.admin().mustPost("/" + broker.name() + "/identity-provider/instances", Map.of(
                "alias", ALIAS,
                "providerId", "oidc",
                "enabled", true,
                "config", Map.ofEntries(
                        Map.entry("clientId", CLIENT),
                        Map.entry("clientSecret", SECRET),
                        Map.entry("clientAuthMethod", "client_secret_post"),
                        Map.entry("authorizationUrl", upstreamUrl + "/auth"),
                        Map.entry("tokenUrl", upstreamUrl + "/token"),
                        Map.entry("issuer", upstream.url()),
                        Map.entry("validateSignature", "true"),
                        Map.entry("useJwksUrl", "true"),
                        Map.entry("jwksUrl", upstreamUrl + "/certs"),
                        Map.entry("backchannelSupported", "true"),
                        Map.entry("defaultScope", "openid"),
                        Map.entry("syncMode", "IMPORT"))));
        return new IdentityProvider(upstream, broker);
    }

    public TestRealm upstream() {
        return upstream;
    }

    /**
     * A user of both realms, linked: the victim's session signed in through the identity provider
     * in a browser, the owner's by password directly in the broker realm (so that it outlives the
     * upstream session). The victim's user id is the broker realm's.
     */
    public RaceRounds.Victim signIn(String username) {
        String upstreamId = upstream.createUser(username);
        String userId = broker.createUser(username);
        broker.admin().mustPost("/" + broker.name() + "/users/" + userId + "/federated-identity/" + ALIAS,
                Map.of("identityProvider", ALIAS, "userId", upstreamId, "userName", username));
        Tokens tokens = broker.browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
                .loginThrough(ALIAS, username, TestRealm.PASSWORD);
        return RaceRounds.victim(broker, username, userId, tokens);
    }

    /** The upstream realm's id of the user {@code username}. */
    public String upstreamUserId(String username) {
        return upstream.admin().mustGet("/" + upstream.name() + "/users?exact=true&username=" + username).json()
                .get(0).path("id").asText();
    }
}
