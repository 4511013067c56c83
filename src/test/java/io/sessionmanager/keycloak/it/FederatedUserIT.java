package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Directory;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ASVS 7.4.2 for a user federation: a directory (LDAP) disables a user without Keycloak hearing
 * of it, and Keycloak refuses the user's tokens only while the user stays disabled. The first use
 * it refuses ends every session of the user, so enabling the user again brings none of them back.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FederatedUserIT {

    private final Directory directory = Directory.start();
    private TestRealm realm;
    private Database db;

    @BeforeAll
    void federate(KeycloakServer server) {
        realm = TestRealm.create(server, "federated");
        directory.federate(realm);
        db = server.database();
    }

    @AfterAll
    void stopDirectory() {
        directory.close();
    }

    @Test
    void aUserTheDirectoryDisablesIsSignedOutEverywhereAtTheFirstRefusedUse() {
        directory.addUser("fiona");
        Tokens used = realm.login("fiona");
        Tokens idle = realm.login("fiona");
        String userId = Tokens.claims(used.accessToken()).path("sub").asText();

        directory.setEnabled("fiona", false);
        assertRefreshRefused(realm.refresh(used.refreshToken()));
        directory.setEnabled("fiona", true);

        assertRefreshRefused(realm.refresh(used.refreshToken()));
        assertRefreshRefused(realm.refresh(idle.refreshToken()));
        assertThat(realm.userinfo(idle.accessToken()).status()).isEqualTo(401);
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'REVOKED'"
                + " and END_REASON = 'USER_DISABLED'", userId)).isEqualTo(2);
        Tokens again = realm.login("fiona");
        assertThat(list(realm, again)).singleElement().satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
    }
}
