package io.sessionmanager.keycloak.model;

import java.util.Set;

/** The ids of one user's sessions in Keycloak's database, online and offline apart. */
public record KeycloakSessionIds(Set<String> online, Set<String> offline) {

    public Set<String> of(boolean offlineSessions) {
        return offlineSessions ? offline : online;
    }
}
