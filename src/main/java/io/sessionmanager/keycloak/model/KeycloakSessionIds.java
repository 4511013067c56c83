package io.sessionmanager.keycloak.model;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** The ids of one user's sessions in Keycloak's database, online and offline apart. */
public record KeycloakSessionIds(Set<String> online, Set<String> offline) {

    /**
     * Reads them from Keycloak's own table of sessions (with persistent user sessions, Keycloak's
     * default, it holds every session), expired ones included: one indexed query of ids, where
     * loading the sessions as Keycloak's own list does reads their whole rows, their client sessions
     * and a JSON parse of each one's notes. The only read of a table that is not this extension's.
     */
    public static KeycloakSessionIds read(KeycloakSession session, String realmId, String userId) {
        Jdbc jdbc = new Jdbc(session.getProvider(JpaConnectionProvider.class).getEntityManager());
        return jdbc.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select USER_SESSION_ID, OFFLINE_FLAG"
                    + " from OFFLINE_USER_SESSION where USER_ID = ? and REALM_ID = ?")) {
                Jdbc.bind(select, userId, realmId);
                Set<String> online = new LinkedHashSet<>();
                Set<String> offline = new LinkedHashSet<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ("1".equals(rows.getString(2)) ? offline : online).add(rows.getString(1));
                    }
                }
                return new KeycloakSessionIds(online, offline);
            }
        });
    }

    public Set<String> of(boolean offlineSessions) {
        return offlineSessions ? offline : online;
    }
}
