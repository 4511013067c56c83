package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.IdentityProvider;
import io.sessionmanager.keycloak.it.support.KeycloakDoors;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.RaceRounds;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.history;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC "Lifecycle": whatever ends a session, its record follows it until retention deletes it. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleIT {

    private KeycloakServer server;
    private Database db;

    @BeforeAll
    void connect(KeycloakServer server) {
        this.server = server;
        this.db = server.database();
    }

    /** The first start creates the master realm and its admin's password in one transaction, before anyone signs in. */
    @Test
    void theServerStartsWithoutAWarningFromTheExtension() throws IOException {
        List<String> boot = new ArrayList<>();
        for (String line : Files.readAllLines(server.log())) {
            if (line.contains("started in")) {
                break;
            }
            boot.add(line);
        }

        assertThat(boot).isNotEmpty()
                .filteredOn(line -> line.contains("at io.sessionmanager")
                        || line.contains("[io.sessionmanager") && (line.contains("WARN") || line.contains("ERROR")))
                .isEmpty();
    }

    @Test
    void disablingAUserEndsEverySession() {
        TestRealm realm = TestRealm.create(server, "lifecycle-disable");
        String userId = realm.createUser("dina");
        Tokens online = realm.login("dina");
        Tokens offline = realm.loginOffline("dina");

        realm.admin().mustPut("/" + realm.name() + "/users/" + userId, Map.of("enabled", false));

        assertRefreshRefused(realm.refresh(online.refreshToken()));
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'ACTIVE'", userId)).isZero();
        JsonNode history = realm.admin().mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").json();
        assertThat(history).hasSize(2).allSatisfy(s -> assertThat(s.path("endReason").asText()).isEqualTo("USER_DISABLED"));
    }

    /** ASVS 7.4.2: brute-force protection that disables the user for good ends its sessions too. */
    @Test
    void aPermanentLockoutEndsEverySession() throws InterruptedException {
        TestRealm realm = TestRealm.create(server, "lifecycle-lockout", Map.of("bruteForceProtected", true,
                "permanentLockout", true, "failureFactor", 2));
        String userId = realm.createUser("luke");
        Tokens online = realm.login("luke");

        // Keycloak counts each failure after its request, and refuses an attempt made while the last
        // one is still being counted without counting it: guess until the account is disabled.
        String user = "/" + realm.name() + "/users/" + userId;
        long disabledBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (int attempt = 0; realm.admin().mustGet(user).json().path("enabled").asBoolean(); attempt++) {
            assertThat(System.nanoTime()).as("account disabled by the lockout").isLessThan(disabledBy);
            // 401 for a wrong password; 400 while the account is locked.
            assertThat(realm.passwordGrant("luke", "guessed-" + attempt, "openid", Map.of()).status()).isIn(400, 401);
            Thread.sleep(200);
        }

        String history = realm.adminApi() + "/users/" + userId + "/sessions/history";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (realm.admin().mustGet(history).json().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(realm.admin().mustGet(history).json()).singleElement()
                .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("USER_DISABLED"));
        assertRefreshRefused(realm.refresh(online.refreshToken()));
    }

    @Test
    void deletingAUserLeavesNoRecords() {
        TestRealm realm = TestRealm.create(server, "lifecycle-delete-user");
        String userId = realm.createUser("dora");
        realm.createUser("stays");
        Tokens tokens = realm.login("dora");
        realm.loginOffline("dora");
        realm.login("stays");
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ?", userId)).isEqualTo(2);

        assertThat(realm.admin().delete("/" + realm.name() + "/users/" + userId).status()).isEqualTo(204);

        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ?", userId)).isZero();
        assertThat(db.count("select count(*) from SM_SESSION where REALM_ID = ?", realm.id())).isEqualTo(1);
        assertRefreshRefused(realm.refresh(tokens.refreshToken()));
    }

    @Test
    void deletingARealmLeavesNoRecords() {
        TestRealm realm = TestRealm.create(server, "lifecycle-delete-realm");
        realm.createUser("rory");
        realm.login("rory");
        realm.loginOffline("rory");
        String realmId = realm.id();
        assertThat(db.count("select count(*) from SM_SESSION where REALM_ID = ?", realmId)).isEqualTo(2);

        assertThat(realm.admin().delete("/" + realm.name()).status()).isEqualTo(204);

        assertThat(db.count("select count(*) from SM_SESSION where REALM_ID = ?", realmId)).isZero();
    }

    @Test
    void aSessionAnAdminEndsInKeycloaksConsoleShowsAsRevokedByAnAdministrator() {
        TestRealm realm = TestRealm.create(server, "lifecycle-admin-signout");
        realm.createUser("lars");
        Tokens caller = realm.login("lars");
        Tokens signedOut = realm.login("lars");
        String recordId = currentId(realm, signedOut);

        assertThat(realm.admin().delete("/" + realm.name() + "/sessions/" + signedOut.sessionId()).status())
                .isEqualTo(204);

        assertThat(db.count("select count(*) from SM_SESSION where ID = ? and STATUS = 'REVOKED'"
                + " and END_REASON = 'ADMIN_REVOKED'", recordId)).isEqualTo(1);
        assertThat(history(realm, caller)).singleElement().satisfies(s -> {
            assertThat(s.path("status").asText()).isEqualTo("REVOKED");
            assertThat(s.path("endReason").asText()).isEqualTo("ADMIN_REVOKED");
        });
    }

    /**
     * Keycloak's realm-wide sign-out ({@code logout-all}): recorded at once, not when next listed,
     * for every session that started before it, offline ones included; a sign-in after it lives on.
     */
    @Test
    void aRealmWideSignOutShowsAsRevokedByAnAdministrator() throws InterruptedException {
        TestRealm realm = TestRealm.create(server, "lifecycle-logout-all");
        String userId = realm.createUser("lotte");
        realm.login("lotte");
        Tokens offline = realm.loginOffline("lotte");
        // Keycloak's "not before" counts in seconds: a sign-in in the same second as the sign-out survives it.
        Thread.sleep(1000);

        assertThat(realm.admin().mustPost("/" + realm.name() + "/logout-all", Map.of()).status()).isEqualTo(200);
        Tokens after = realm.login("lotte");

        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'REVOKED'"
                + " and END_REASON = 'ADMIN_REVOKED'", userId)).isEqualTo(2);
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(list(realm, after)).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
    }

    /** Keycloak's own account API (its Device activity page): the user ended the session. */
    @Test
    void aSessionTheUserEndsThroughKeycloaksAccountApiShowsAsRevokedByTheUser() {
        TestRealm realm = TestRealm.create(server, "lifecycle-account-api");
        realm.createUser("lena");
        Tokens caller = realm.login("lena");
        Tokens ended = realm.login("lena");

        Http.Reply reply = Http.send(Http.request(realm.url() + "/account/sessions/" + ended.sessionId())
                .header("Authorization", "Bearer " + caller.accessToken())
                .header("Accept", "application/json").DELETE().build());

        assertThat(reply.status()).isEqualTo(204);
        assertThat(history(realm, caller)).singleElement().satisfies(s -> {
            assertThat(s.path("status").asText()).isEqualTo("REVOKED");
            assertThat(s.path("endReason").asText()).isEqualTo("USER_REVOKED");
        });
    }

    /** An application revokes its refresh token (RFC 7009): its only client session, and so the session, ends. */
    @Test
    void aSessionWhoseOnlyRefreshTokenIsRevokedShowsAsLoggedOut() {
        TestRealm realm = TestRealm.create(server, "lifecycle-revoke-endpoint");
        realm.createUser("leo");
        Tokens caller = realm.login("leo");
        Tokens revoked = realm.login("leo");
        String recordId = currentId(realm, revoked);

        assertThat(realm.revokeToken(revoked.refreshToken()).status()).isEqualTo(200);

        assertThat(db.count("select count(*) from SM_SESSION where ID = ? and STATUS = 'LOGGED_OUT'"
                + " and END_REASON = 'LOGGED_OUT'", recordId)).isEqualTo(1);
        assertThat(list(realm, caller)).extracting(s -> s.path("id").asText()).containsExactly(currentId(realm, caller));
    }

    /**
     * The user signed out where they signed in: at the identity provider, which tells this realm
     * by back-channel logout; and an application's logout link with {@code id_token_hint}.
     */
    @Test
    void aSessionEndedByItsIdentityProviderOrALogoutLinkShowsAsLoggedOut() {
        TestRealm realm = TestRealm.create(server, "lifecycle-brokered");
        IdentityProvider upstream = IdentityProvider.create(server, "lifecycle-upstream", realm);
        RaceRounds.Victim brokered = upstream.signIn("luca");
        Tokens linked = realm.login("luca");
        String linkedRecord = currentId(realm, linked);

        assertThat(KeycloakDoors.adminSignOut(upstream.upstream(), upstream.upstreamUserId("luca")).status())
                .isEqualTo(204);
        assertThat(KeycloakDoors.oidcLogoutWithIdTokenHint(realm, linked.idToken()).status()).isEqualTo(200);

        for (String recordId : List.of(brokered.publicId(), linkedRecord)) {
            assertThat(db.count("select count(*) from SM_SESSION where ID = ? and STATUS = 'LOGGED_OUT'"
                    + " and END_REASON = 'LOGGED_OUT'", recordId)).as(recordId).isEqualTo(1);
        }
        assertThat(list(realm, brokered.owner())).extracting(s -> s.path("id").asText())
                .containsExactly(currentId(realm, brokered.owner()));
    }

    /** The admin console's Consents tab: the application's offline access revoked, its offline session with it. */
    @Test
    void anOfflineSessionWhoseAccessAnAdminRevokedShowsAsRevokedByAnAdministrator() {
        TestRealm realm = TestRealm.create(server, "lifecycle-consent");
        String userId = realm.createUser("lisa");
        Tokens online = realm.login("lisa");
        String offlineRecord = currentId(realm, realm.loginOffline("lisa"));

        assertThat(KeycloakDoors.adminRevokesOfflineAccess(realm, userId).status()).isEqualTo(204);

        assertThat(db.count("select count(*) from SM_SESSION where ID = ? and STATUS = 'REVOKED'"
                + " and END_REASON = 'ADMIN_REVOKED'", offlineRecord)).isEqualTo(1);
        assertThat(list(realm, online)).extracting(s -> s.path("id").asText()).containsExactly(currentId(realm, online));
    }

    @Test
    void keycloaksSignOutOfAUserEndsAllItsSessionsOfflineIncluded() {
        TestRealm realm = TestRealm.create(server, "lifecycle-admin-logout");
        String userId = realm.createUser("liam");
        Tokens online = realm.login("liam");
        Tokens offline = realm.loginOffline("liam");

        realm.admin().mustPost("/" + realm.name() + "/users/" + userId + "/logout", "");

        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'REVOKED'"
                + " and END_REASON = 'ADMIN_REVOKED'", userId)).isEqualTo(2);
        assertRefreshRefused(realm.refresh(online.refreshToken()));
        assertRefreshRefused(realm.refresh(offline.refreshToken()));
        assertThat(list(realm, realm.login("liam"))).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
    }

    @Test
    void aSessionKeycloakExpiresShowsAsExpired() throws InterruptedException {
        TestRealm realm = TestRealm.create(server, "lifecycle-expiry", Map.of("ssoSessionIdleTimeout", 2));
        realm.createUser("ella");
        realm.login("ella");

        Thread.sleep(3500);
        Tokens caller = realm.login("ella");

        assertThat(list(realm, caller)).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
        assertThat(history(realm, caller)).singleElement().satisfies(s -> {
            assertThat(s.path("status").asText()).isEqualTo("EXPIRED");
            assertThat(s.path("endReason").asText()).isEqualTo("EXPIRED");
        });
    }

    @Test
    void anIdleSessionIsEndedForInactivityInsteadOfBeingListed() throws InterruptedException {
        TestRealm realm = inactiveAfterTwoSeconds("lifecycle-inactive-list");
        realm.createUser("ivy");
        Tokens idle = realm.loginOffline("ivy");

        Thread.sleep(2500);
        Tokens caller = realm.login("ivy");

        assertThat(list(realm, caller)).singleElement()
                .satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
        assertThat(history(realm, caller)).singleElement()
                .satisfies(s -> assertThat(s.path("endReason").asText()).isEqualTo("INACTIVITY"));
        assertRefreshRefused(realm.refresh(idle.refreshToken()));
    }

    @Test
    void theCleanupEndsIdleSessionsNobodyListed() throws InterruptedException {
        TestRealm realm = inactiveAfterTwoSeconds("lifecycle-inactive-cleanup");
        String userId = realm.createUser("ian");
        Tokens idle = realm.loginOffline("ian");

        Thread.sleep(2500);
        Http.Reply cleanup = realm.admin().post(realm.adminApi() + "/cleanup", "");

        assertThat(cleanup.json().path("ended").asLong()).isEqualTo(1);
        assertRefreshRefused(realm.refresh(idle.refreshToken()));
        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and END_REASON = 'INACTIVITY'", userId))
                .isEqualTo(1);
    }

    @Test
    void zeroRetentionKeepsNoHistory() {
        TestRealm realm = TestRealm.create(server, "lifecycle-no-history");
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("historyRetention", "P0D"));
        String userId = realm.createUser("nell");
        Tokens caller = realm.login("nell");
        String ended = currentId(realm, realm.login("nell"));
        Http.delete(realm.sessionsUrl() + "/" + ended, caller.accessToken());
        assertThat(history(realm, caller)).isEmpty();
        assertThat(Http.get(realm.sessionsUrl() + "/" + ended, caller.accessToken()).status()).isEqualTo(404);

        realm.admin().mustPost(realm.adminApi() + "/cleanup", "");

        assertThat(db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS <> 'ACTIVE'", userId)).isZero();
        assertThat(list(realm, caller)).hasSize(1);
    }

    /** Retention holds when reading, whenever the cleanup runs: it only frees the rows. */
    @Test
    void endedSessionsPastRetentionAreNotShownBeforeTheCleanupRuns() throws InterruptedException {
        TestRealm realm = TestRealm.create(server, "lifecycle-retention-read");
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("historyRetention", "PT2S"));
        String userId = realm.createUser("rhea");
        Tokens caller = realm.login("rhea");
        String ended = currentId(realm, realm.login("rhea"));
        assertThat(Http.delete(realm.sessionsUrl() + "/" + ended, caller.accessToken()).status()).isEqualTo(204);
        assertThat(history(realm, caller)).extracting(s -> s.path("id").asText()).containsExactly(ended);
        assertThat(Http.get(realm.sessionsUrl() + "/" + ended, caller.accessToken()).status()).isEqualTo(200);

        Thread.sleep(4000);

        assertThat(history(realm, caller)).isEmpty();
        assertThat(Http.get(realm.sessionsUrl() + "/" + ended, caller.accessToken()).status()).isEqualTo(404);
        assertThat(realm.admin().mustGet(realm.adminApi() + "/users/" + userId + "/sessions/history").json()).isEmpty();
        assertThat(db.count("select count(*) from SM_SESSION where ID = ?", ended)).as("still stored").isEqualTo(1);
    }

    @Test
    void cleaningTenThousandEndedRowsLeavesEveryActiveRecordUntouched() throws SQLException {
        TestRealm realm = TestRealm.create(server, "lifecycle-bulk");
        String userId = realm.createUser("bulk");
        Tokens first = realm.login("bulk");
        Tokens second = realm.loginOffline("bulk");
        Tokens third = realm.login("bulk");
        String recentlyEnded = currentId(realm, realm.login("bulk"));
        Http.delete(realm.sessionsUrl() + "/" + recentlyEnded, first.accessToken());
        seedEndedRows(realm.id(), userId, 10_000, Duration.ofDays(31));

        Http.Reply cleanup = realm.admin().post(realm.adminApi() + "/cleanup", "");

        assertThat(cleanup.status()).isEqualTo(200);
        assertThat(cleanup.json().path("deleted").asLong()).isEqualTo(10_000);
        assertThat(cleanup.json().path("ended").asLong()).isZero();
        assertThat(db.count("select count(*) from SM_SESSION where REALM_ID = ? and STATUS = 'ACTIVE'", realm.id()))
                .isEqualTo(3);
        assertThat(history(realm, first)).singleElement()
                .satisfies(s -> assertThat(s.path("id").asText()).isEqualTo(recentlyEnded));
        for (Tokens tokens : new Tokens[] {first, second, third}) {
            assertThat(realm.refresh(tokens.refreshToken()).status()).isEqualTo(200);
        }
    }

    private TestRealm inactiveAfterTwoSeconds(String name) {
        TestRealm realm = TestRealm.create(server, name);
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("maxInactivity", "PT2S"));
        return realm;
    }

    private void seedEndedRows(String realmId, String userId, int count, Duration endedAgo) throws SQLException {
        long endedAt = System.currentTimeMillis() - endedAgo.toMillis();
        try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement(
                "insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS, MOBILE, REMEMBER_ME,"
                        + " CREATED_AT, LAST_ACTIVE, ENDED_AT, END_REASON) values (?, ?, ?, ?, 'ONLINE', 'REVOKED',"
                        + " false, false, ?, ?, ?, 'USER_REVOKED')")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, realmId);
                insert.setString(3, userId);
                insert.setString(4, "seeded-" + UUID.randomUUID());
                insert.setLong(5, endedAt - 3_600_000);
                insert.setLong(6, endedAt);
                insert.setLong(7, endedAt);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
