package io.sessionmanager.keycloak.it.support;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keycloak's own ways of ending a session, as its consoles and applications call them: the doors
 * the extension does not own but must hold shut as firmly as its own.
 */
public final class KeycloakDoors {

    private static final AtomicInteger CONFLICTS_RETRIED = new AtomicInteger();

    private KeycloakDoors() {
    }

    /** The admin console's Sign out of a user: {@code POST /admin/realms/{realm}/users/{id}/logout}. */
    public static Http.Reply adminSignOut(TestRealm realm, String userId) {
        return realm.admin().post("/" + realm.name() + "/users/" + userId + "/logout", Map.of());
    }

    /** The admin console's Sessions tab: {@code DELETE /admin/realms/{realm}/sessions/{id}}. */
    public static Http.Reply adminSessionDelete(TestRealm realm, String keycloakSessionId) {
        return realm.admin().delete("/" + realm.name() + "/sessions/" + keycloakSessionId);
    }

    /** The admin console's Sessions tab, an offline session: {@code DELETE .../sessions/{id}?isOffline=true}. */
    public static Http.Reply adminOfflineSessionDelete(TestRealm realm, String keycloakSessionId) {
        return realm.admin().delete("/" + realm.name() + "/sessions/" + keycloakSessionId + "?isOffline=true");
    }

    /**
     * Keycloak's account console, Device activity: {@code DELETE /realms/{realm}/account/sessions/{id}}
     * with a token of the user. Keycloak serves its account REST API only to requests that accept JSON
     * (others get the console's page, and a {@code DELETE} a 405).
     */
    public static Http.Reply accountApiDelete(TestRealm realm, String keycloakSessionId, String bearer) {
        return accountApiDelete(realm.url() + "/account/sessions/" + keycloakSessionId, bearer);
    }

    /**
     * Keycloak's account console, Device activity's "Sign out all devices" but this one:
     * {@code DELETE /realms/{realm}/account/sessions} with a token of the user's current session.
     */
    public static Http.Reply accountApiSignOutOthers(TestRealm realm, String bearer) {
        return accountApiDelete(realm.url() + "/account/sessions", bearer);
    }

    private static Http.Reply accountApiDelete(String url, String bearer) {
        return Http.send(Http.request(url).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").DELETE().build());
    }

    /** An application's OIDC logout with the session's refresh token. */
    public static Http.Reply oidcLogout(TestRealm realm, String refreshToken) {
        return realm.logout(refreshToken);
    }

    /**
     * An application's RP-initiated logout with {@code id_token_hint}, as its browser would send it
     * but without Keycloak's cookies: Keycloak finds the session from the hint, asks nothing, and
     * answers its "You are logged out" page.
     */
    public static Http.Reply oidcLogoutWithIdTokenHint(TestRealm realm, String idToken) {
        return Http.send(Http.request(realm.url() + "/protocol/openid-connect/logout?id_token_hint="
                + Http.encode(idToken)).GET().build());
    }

    /**
     * The admin console's Consents tab of the user, "Revoke" of the application's offline access:
     * {@code DELETE /admin/realms/{realm}/users/{id}/consents/{clientId}}; an offline session
     * whose only client it was ends. While the offline token is being refreshed, Keycloak (with or
     * without this extension) sometimes answers {@code 500} and revokes nothing: the client
     * session's row changed since the request read it ({@code OptimisticLockException} in its
     * {@code JpaUserSessionPersisterProvider.removeClientSession}). The administrator then presses
     * Revoke again, and so does this, up to three times, for that conflict only: any other
     * {@code 500} is answered as it came. Each retry is counted ({@link #conflictsRetried}).
     */
    public static Http.Reply adminRevokesOfflineAccess(TestRealm realm, String userId) {
        for (int attempt = 1; ; attempt++) {
            long logBefore = realm.server().logLength();
            Http.Reply reply = realm.admin().delete("/" + realm.name() + "/users/" + userId + "/consents/" + TestRealm.APP);
            if (reply.status() != 500 || attempt == 3
                    || !realm.server().logSince(logBefore).contains("OptimisticLockException")) {
                return reply;
            }
            CONFLICTS_RETRIED.incrementAndGet();
        }
    }

    /** How many revokes of offline access Keycloak's own conflict made {@link #adminRevokesOfflineAccess} press again. */
    public static int conflictsRetried() {
        return CONFLICTS_RETRIED.get();
    }

    /** An administrator deletes the user: {@code DELETE /admin/realms/{realm}/users/{id}}. */
    public static Http.Reply adminDeletesTheUser(TestRealm realm, String userId) {
        return realm.admin().delete("/" + realm.name() + "/users/" + userId);
    }

    /** An application revokes the session's refresh token (RFC 7009). */
    public static Http.Reply tokenRevocation(TestRealm realm, String refreshToken) {
        return realm.revokeToken(refreshToken);
    }

    /** An administrator signs out every user of the realm: {@code POST /admin/realms/{realm}/logout-all}. */
    public static Http.Reply adminSignOutOfTheRealm(TestRealm realm) {
        return realm.admin().post("/" + realm.name() + "/logout-all", Map.of());
    }
}
