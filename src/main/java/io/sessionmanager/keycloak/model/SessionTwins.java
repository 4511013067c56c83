package io.sessionmanager.keycloak.model;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * The Keycloak sessions of one sign-in: the online session and the offline one with the same id
 * (an offline session keeps the id of the online one it came from, and outlives its logout); null
 * where there is none. The one place this extension looks both up by id.
 */
public record SessionTwins(UserSessionModel online, UserSessionModel offline) {

    public static SessionTwins find(KeycloakSession session, RealmModel realm, String keycloakSessionId) {
        return find(session, realm, keycloakSessionId, true, true);
    }

    /** Looks up only the kinds asked for: a lookup the cache misses is a database read. */
    public static SessionTwins find(KeycloakSession session, RealmModel realm, String keycloakSessionId,
                                    boolean online, boolean offline) {
        return new SessionTwins(online ? session.sessions().getUserSession(realm, keycloakSessionId) : null,
                offline ? session.sessions().getOfflineUserSession(realm, keycloakSessionId) : null);
    }

    public boolean isEmpty() {
        return online == null && offline == null;
    }

    /** The online session if there is one, else the offline one; null when neither is there. */
    public UserSessionModel either() {
        return online != null ? online : offline;
    }

    /** The sign-in's user; null when neither session is there. */
    public UserModel user() {
        UserSessionModel either = either();
        return either == null ? null : either.getUser();
    }

    /** Removes both from Keycloak without notifying their clients. */
    public void remove(KeycloakSession session, RealmModel realm) {
        if (online != null) {
            session.sessions().removeUserSession(realm, online);
        }
        if (offline != null) {
            session.sessions().removeOfflineUserSession(realm, offline);
        }
    }
}
