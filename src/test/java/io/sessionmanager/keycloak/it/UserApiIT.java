package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Browser;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "User API": every row of the table, and who may do what. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserApiIT {

    private TestRealm realm;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        realm = TestRealm.create(server, "user-api");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Listing {

        /** Last activity, not creation, orders them: the oldest sign-in was used last. */
        @Test
        void listsTheCurrentSessionFirstThenTheMostRecentlyActive() throws InterruptedException {
            realm.createUser("lena");
            Tokens oldest = realm.login("lena");
            Thread.sleep(1100);
            Tokens newest = realm.login("lena");
            Thread.sleep(1100);
            Tokens caller = realm.login("lena");
            Thread.sleep(1100);
            assertThat(realm.refresh(oldest.refreshToken()).status()).isEqualTo(200);

            List<JsonNode> sessions = list(realm, caller);

            assertThat(sessions).extracting(s -> s.path("id").asText())
                    .containsExactly(currentId(realm, caller), currentId(realm, oldest), currentId(realm, newest));
            assertThat(sessions).extracting(s -> s.path("current").asBoolean()).containsExactly(true, false, false);
        }

        @Test
        void listsOnlineAndOfflineSessions() {
            realm.createUser("olga");
            Tokens online = realm.login("olga");
            realm.loginOffline("olga");

            assertThat(list(realm, online)).extracting(s -> s.path("type").asText())
                    .containsExactlyInAnyOrder("ONLINE", "OFFLINE");
        }

        @Test
        void pagesWithFirstAndMax() {
            realm.createUser("paige");
            Tokens caller = realm.login("paige");
            realm.login("paige");
            realm.login("paige");
            List<String> all = list(realm, caller).stream().map(s -> s.path("id").asText()).toList();

            Http.Reply page = Http.get(realm.sessionsUrl() + "?first=1&max=1", caller.accessToken());

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json()).hasSize(1);
            assertThat(page.json().get(0).path("id").asText()).isEqualTo(all.get(1));
            assertThat(Http.get(realm.sessionsUrl() + "?first=3", caller.accessToken()).json()).isEmpty();
        }

        @Test
        void getsOneSessionById() {
            realm.createUser("gus");
            Tokens caller = realm.login("gus");
            Tokens other = realm.login("gus");
            String id = currentId(realm, other);

            Http.Reply reply = Http.get(realm.sessionsUrl() + "/" + id, caller.accessToken());

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("id").asText()).isEqualTo(id);
            assertThat(reply.json().path("current").asBoolean()).isFalse();
            assertThat(reply.header("Cache-Control")).contains("no-store");
        }

        @Test
        void getsAnEndedSessionWithHowItEnded() {
            realm.createUser("gina");
            Tokens caller = realm.login("gina");
            String id = currentId(realm, realm.login("gina"));
            revoke(realm, caller, id);

            JsonNode session = Http.get(realm.sessionsUrl() + "/" + id, caller.accessToken()).json();

            assertThat(session.path("status").asText()).isEqualTo("REVOKED");
            assertThat(session.path("endReason").asText()).isEqualTo("USER_REVOKED");
        }

        @Test
        void historyListsEndedSessionsMostRecentlyEndedFirst() throws InterruptedException {
            realm.createUser("hal");
            Tokens caller = realm.login("hal");
            String first = currentId(realm, realm.login("hal"));
            String second = currentId(realm, realm.login("hal"));
            revoke(realm, caller, first);
            Thread.sleep(1100);
            revoke(realm, caller, second);

            List<JsonNode> ended = history(realm, caller);

            assertThat(ended).extracting(s -> s.path("id").asText()).containsExactly(second, first);
            assertThat(ended).allSatisfy(s -> assertThat(s.path("endedAt").isNull()).isFalse());
            assertThat(list(realm, caller)).hasSize(1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Revoking {

        @Test
        void revokesOneSession() {
            realm.createUser("rita");
            Tokens caller = realm.login("rita");
            Tokens victim = realm.login("rita");

            Http.Reply reply = revoke(realm, caller, currentId(realm, victim));

            assertThat(reply.status()).isEqualTo(204);
            assertThat(list(realm, caller)).hasSize(1);
            assertRefreshRefused(realm.refresh(victim.refreshToken()));
        }

        @Test
        void revokingAnAlreadyEndedSessionAgainIsNoContent() {
            realm.createUser("remy");
            Tokens caller = realm.login("remy");
            String id = currentId(realm, realm.login("remy"));
            revoke(realm, caller, id);

            assertThat(revoke(realm, caller, id).status()).isEqualTo(204);
            assertThat(history(realm, caller)).singleElement()
                    .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("USER_REVOKED"));
        }

        @Test
        void revokesTheCurrentSession() {
            realm.createUser("cora");
            Tokens caller = realm.login("cora");

            assertThat(revoke(realm, caller, currentId(realm, caller)).status()).isEqualTo(204);
            assertThat(Http.get(realm.sessionsUrl(), caller.accessToken()).status()).isEqualTo(401);
            assertRefreshRefused(realm.refresh(caller.refreshToken()));
        }

        @Test
        void logoutEverywhereRevokesEverySessionOfflineIncluded() {
            realm.createUser("eve");
            Tokens caller = realm.login("eve");
            Tokens other = realm.browserLogin("eve", "Mozilla/5.0 Firefox/121.0");
            Tokens offline = realm.loginOffline("eve");

            Http.Reply reply = Http.delete(realm.sessionsUrl(), caller.accessToken());

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("revoked").asInt()).isEqualTo(3);
            for (Tokens tokens : List.of(caller, other, offline)) {
                assertRefreshRefused(realm.refresh(tokens.refreshToken()));
            }
            Tokens later = realm.login("eve");
            assertThat(history(realm, later)).hasSize(3)
                    .allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("LOGOUT_EVERYWHERE"));
        }

        @Test
        void signOutOtherDevicesKeepsTheCallersSession() {
            realm.createUser("kim");
            Tokens caller = realm.login("kim");
            Tokens other = realm.login("kim");
            Tokens offline = realm.loginOffline("kim");

            Http.Reply reply = Http.delete(realm.sessionsUrl() + "?keepCurrent=true", caller.accessToken());

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("revoked").asInt()).isEqualTo(2);
            assertThat(list(realm, caller)).singleElement()
                    .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
            assertThat(realm.refresh(caller.refreshToken()).status()).isEqualTo(200);
            assertRefreshRefused(realm.refresh(other.refreshToken()));
            assertRefreshRefused(realm.refresh(offline.refreshToken()));
            assertThat(history(realm, caller)).hasSize(2)
                    .allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("LOGOUT_OTHERS"));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Isolation {

        @Test
        void anotherUsersSessionIsNotFoundAndStaysUntouched() {
            realm.createUser("mallory");
            realm.createUser("victor");
            Tokens attacker = realm.login("mallory");
            Tokens victim = realm.login("victor");
            String victimsId = currentId(realm, victim);

            assertThat(Http.get(realm.sessionsUrl() + "/" + victimsId, attacker.accessToken()).status()).isEqualTo(404);
            assertThat(revoke(realm, attacker, victimsId).status()).isEqualTo(404);
            assertThat(list(realm, attacker)).extracting(s -> s.path("id").asText()).doesNotContain(victimsId);
            assertThat(Http.delete(realm.sessionsUrl(), attacker.accessToken()).json().path("revoked").asInt())
                    .isEqualTo(1);

            assertThat(realm.refresh(victim.refreshToken()).status()).isEqualTo(200);
            assertThat(list(realm, victim)).singleElement()
                    .satisfies(s -> assertThat(s.path("status").asText()).isEqualTo("ACTIVE"));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Authorisation {

        @Test
        void aTokenThatMayOnlyViewCanListButNotRevoke() {
            String userId = realm.createUser("viola");
            realm.replaceAccountRoles(userId, "view-profile");
            Tokens caller = realm.login("viola");

            assertThat(Http.get(realm.sessionsUrl(), caller.accessToken()).status()).isEqualTo(200);
            Http.Reply refused = revoke(realm, caller, currentId(realm, caller));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().path("error").asText()).isEqualTo("insufficient_scope");
            assertThat(Http.delete(realm.sessionsUrl(), caller.accessToken()).status()).isEqualTo(403);
            assertThat(realm.refresh(caller.refreshToken()).status()).isEqualTo(200);
        }

        @Test
        void aTokenWithoutAccountRolesIsForbidden() {
            String userId = realm.createUser("nora");
            realm.replaceAccountRoles(userId);
            Tokens caller = realm.login("nora");

            Http.Reply reply = Http.get(realm.sessionsUrl(), caller.accessToken());

            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json().path("error_description").asText()).isNotBlank();
        }

        @Test
        void serviceAccountTokensAreRefused() {
            Http.Reply reply = Http.get(realm.sessionsUrl(), realm.serviceAccountToken());

            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json().path("error").asText()).isEqualTo("insufficient_scope");
        }

        @Test
        void corsAllowsTheTokenClientsWebOriginOnly() {
            realm.createUser("cory");
            Tokens caller = realm.login("cory");

            Http.Reply allowed = Http.send(Http.request(realm.sessionsUrl())
                    .header("Authorization", "Bearer " + caller.accessToken())
                    .header("Origin", "http://app.example").GET().build());
            Http.Reply refused = Http.send(Http.request(realm.sessionsUrl())
                    .header("Authorization", "Bearer " + caller.accessToken())
                    .header("Origin", "http://evil.example").GET().build());
            Http.Reply preflight = Http.send(Http.request(realm.sessionsUrl() + "/some-id")
                    .header("Origin", "http://app.example")
                    .header("Access-Control-Request-Method", "DELETE")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());

            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://app.example");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
            assertThat(preflight.status()).isEqualTo(200);
            assertThat(preflight.header("Access-Control-Allow-Methods")).contains("DELETE");
            assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("Authorization");
        }
    }


    /** ASVS 5.0 7.5.2, RFC 9470: ending sessions through this API takes a recent sign-in; reading does not. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RecentSignIn {

        private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        private TestRealm strict;

        @BeforeAll
        void createRealm(KeycloakServer server) {
            strict = TestRealm.create(server, "user-api-recent-sign-in",
                    Map.of("attributes", Map.of("sessionManager.reauthenticateWithin", "PT1S")));
        }

        @Test
        void anOlderSignInIsChallengedOnEveryEndingAndSigningInAgainWithMaxAgeEnds() throws InterruptedException {
            String userId = strict.createUser("stan");
            Browser browser = strict.browser(FIREFOX);
            Tokens signedIn = browser.login("stan", TestRealm.PASSWORD);
            Tokens other = strict.login("stan");
            String otherId = currentId(strict, other);
            Thread.sleep(2000); // sign-in times are whole seconds: now at least two past it
            Tokens refreshed = Tokens.of(strict.refresh(signedIn.refreshToken()).json());

            for (Http.Reply refused : List.of(revoke(strict, refreshed, otherId), revoke(strict, other, otherId),
                    Http.delete(strict.sessionsUrl() + "?keepCurrent=true", refreshed.accessToken()),
                    Http.delete(strict.sessionsUrl(), refreshed.accessToken()))) {
                assertThat(refused.status()).isEqualTo(401);
                assertThat(refused.json().path("error").asText()).isEqualTo("insufficient_user_authentication");
                assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer realm=\"user-api-recent-sign-in\"")
                        .contains("error=\"insufficient_user_authentication\"", "error_description=\"", "max_age=1");
            }
            assertThat(list(strict, refreshed)).as("reading needs no new sign-in").hasSize(2);
            assertThat(strict.refresh(other.refreshToken()).status()).as("nothing ended").isEqualTo(200);

            Tokens again = browser.signInAgain("stan", TestRealm.PASSWORD, 1);

            assertThat(revoke(strict, again, otherId).status()).isEqualTo(204);
            assertRefreshRefused(strict.refresh(other.refreshToken()));
            // The admin API checks no sign-in age, whatever the administrator's token.
            assertThat(strict.admin().delete(strict.adminApi() + "/users/" + userId + "/sessions").status())
                    .as("the admin API asks the administrator nothing more").isEqualTo(200);
            assertRefreshRefused(strict.refresh(again.refreshToken()));
        }
    }
}
