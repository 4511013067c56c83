package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.BackchannelLogoutReceiver;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "What revoked means": each clause, checked against Keycloak itself after a user revokes a session. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationIT {

    private static final String BACKCHANNEL_APP = "backchannel-app";
    private static final String BACKCHANNEL_SECRET = "backchannel-secret";

    private final BackchannelLogoutReceiver receiver = new BackchannelLogoutReceiver();
    private TestRealm realm;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        realm = TestRealm.create(server, "revocation");
        realm.admin().mustPost("/" + realm.name() + "/clients", Map.of(
                "clientId", BACKCHANNEL_APP,
                "publicClient", false,
                "secret", BACKCHANNEL_SECRET,
                "directAccessGrantsEnabled", true,
                "frontchannelLogout", false,
                "attributes", Map.of("backchannel.logout.url", receiver.url(),
                        "backchannel.logout.session.required", "true")));
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void revokedSessionCanNoLongerRefresh() {
        Revoked revoked = signInTwiceAndRevokeOne("refresh");

        Http.Reply refresh = realm.refresh(revoked.victim.refreshToken());

        assertRefreshRefused(refresh);
    }

    @Test
    void revokedSessionsTokensIntrospectAsInactive() {
        Revoked revoked = signInTwiceAndRevokeOne("introspect");

        assertThat(realm.introspect(revoked.victim.accessToken()).path("active").asBoolean()).isFalse();
        assertThat(realm.introspect(revoked.victim.refreshToken()).path("active").asBoolean()).isFalse();
        assertThat(realm.introspect(revoked.caller.accessToken()).path("active").asBoolean()).isTrue();
    }

    @Test
    void revokedSessionsAccessTokenGetsNoUserinfo() {
        Revoked revoked = signInTwiceAndRevokeOne("userinfo");

        assertThat(realm.userinfo(revoked.victim.accessToken()).status()).isEqualTo(401);
        assertThat(realm.userinfo(revoked.caller.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void revokedSessionsAccessTokenIsRefusedByThisApi() {
        Revoked revoked = signInTwiceAndRevokeOne("own-api");

        Http.Reply reply = Http.get(realm.sessionsUrl(), revoked.victim.accessToken());

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"revocation\"");
    }

    @Test
    void keycloaksOwnAccountApiNoLongerListsIt() {
        Revoked revoked = signInTwiceAndRevokeOne("account-api");

        Http.Reply reply = realm.accountSessions(revoked.caller.accessToken());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).extracting(s -> s.path("id").asText())
                .containsExactly(revoked.caller.sessionId());
    }

    @Test
    void recordShowsRevokedWithWhenAndWhy() {
        Revoked revoked = signInTwiceAndRevokeOne("record");

        JsonNode ended = history(realm, revoked.caller).get(0);

        assertThat(ended.path("id").asText()).isEqualTo(revoked.id);
        assertThat(ended.path("status").asText()).isEqualTo("REVOKED");
        assertThat(ended.path("endReason").asText()).isEqualTo("USER_REVOKED");
        assertThat(ended.path("endedAt").asText()).isNotBlank();
        assertThat(list(realm, revoked.caller)).extracting(s -> s.path("id").asText()).doesNotContain(revoked.id);
    }

    @Test
    void revocationIsRecordedAsAKeycloakEvent() {
        Revoked revoked = signInTwiceAndRevokeOne("audit");

        JsonNode events = realm.admin().mustGet("/" + realm.name() + "/events?type=LOGOUT&user=" + revoked.userId).json();

        assertThat(events).anySatisfy(event -> {
            assertThat(event.path("sessionId").asText()).isEqualTo(revoked.victim.sessionId());
            assertThat(event.path("details").path("session_manager_end_reason").asText()).isEqualTo("USER_REVOKED");
            assertThat(event.path("clientId").asText()).isEqualTo(TestRealm.APP);
        });
    }

    @Test
    void clientsWithABackchannelLogoutUrlAreNotified() throws InterruptedException {
        realm.createUser("bob");
        Tokens caller = realm.login("bob");
        Tokens victim = realm.login(BACKCHANNEL_APP, BACKCHANNEL_SECRET, "bob");

        assertThat(revoke(realm, caller, currentId(realm, victim)).status()).isEqualTo(204);

        assertThat(receiver.loggedOutSessionIds(Duration.ofSeconds(10))).contains(victim.sessionId());
    }

    @Test
    void revokingAnOfflineSessionEndsItsOfflineTokens() {
        realm.createUser("otis");
        Tokens caller = realm.login("otis");
        Tokens offline = realm.loginOffline("otis");

        assertThat(revoke(realm, caller, currentId(realm, offline)).status()).isEqualTo(204);

        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(realm.introspect(offline.refreshToken()).path("active").asBoolean()).isFalse();
        assertThat(list(realm, caller)).hasSize(1);
    }

    private Revoked signInTwiceAndRevokeOne(String username) {
        String userId = realm.createUser(username);
        Tokens caller = realm.login(username);
        Tokens victim = realm.login(username);
        assertThat(realm.introspect(victim.accessToken()).path("active").asBoolean()).isTrue();
        String id = currentId(realm, victim);
        assertThat(revoke(realm, caller, id).status()).isEqualTo(204);
        return new Revoked(userId, caller, victim, id);
    }

    private record Revoked(String userId, Tokens caller, Tokens victim, String id) {
    }

}
