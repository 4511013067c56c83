package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.BackchannelLogoutReceiver;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed ({@code SIGKILL}, no shutdown) in the middle of ending many sessions, on
 * PostgreSQL: after the restart, nothing is half-revoked (a record says ACTIVE exactly when its
 * Keycloak session lives), the batches committed before the kill stay ended, and repeating the
 * request finishes the job; a cleanup killed mid-batch resumes without losing a record or ending
 * one twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashIT {

    private static final int SESSIONS = 200;
    private static final int KILLED_AFTER = 150;
    private static final int SEEDED = 5_000;

    private DistributionServer server;
    private TestRealm realm;
    private final BackchannelLogoutReceiver logouts = new BackchannelLogoutReceiver();

    @BeforeAll
    void start() {
        server = DistributionServer.start("crash-server", "postgres", List.of(
                "--spi-session-manager--default--cleanup-initial-delay=PT24H",
                "--spi-session-manager--default--cleanup-batch-size=100"));
        realm = TestRealm.create(server, "crash");
        realm.announceLogoutsTo(logouts.url());
    }

    @AfterAll
    void stop() {
        server.close();
        logouts.close();
    }

    @Test
    void aNodeKilledDuringARevokeAllLeavesNothingHalfRevokedAndTheRevokeCanBeRepeated() throws Exception {
        String kimId = realm.createUser("kim");
        List<Tokens> sessions = realm.loginMany("kim", SESSIONS);

        CompletableFuture<Integer> revokeAll = CompletableFuture.supplyAsync(
                () -> Http.delete(realm.sessionsUrl(), sessions.get(0).accessToken()).status());
        // Keycloak announces each ended session to the app while the revoke-all runs: kill it three quarters in,
        // in its second batch.
        assertThat(logouts.awaitLogouts(KILLED_AFTER, Duration.ofSeconds(60))).as("revoke-all under way").isTrue();
        server.kill();
        assertThat(revokeAll).failsWithin(Duration.ofSeconds(30));
        server.startAgain();

        Map<String, String> statusBySid = statusBySessionId(kimId);
        int alive = 0;
        for (Tokens tokens : sessions) {
            Http.Reply refresh = realm.refresh(tokens.refreshToken());
            boolean lives = refresh.status() == 200;
            alive += lives ? 1 : 0;
            assertThat(statusBySid.get(tokens.sessionId())).as("record of a session that %s", lives ? "lives" : "is dead")
                    .isEqualTo(lives ? "ACTIVE" : "REVOKED");
        }
        System.out.printf("CrashIT: killed a revoke-all of %d after %d logouts were sent; %d sessions alive after the restart%n",
                SESSIONS, KILLED_AFTER, alive);
        assertThat(alive).as("the first batch stays ended, the one killed stays alive").isBetween(1, SESSIONS - 1);

        Http.Reply again = realm.admin().delete(realm.adminApi() + "/users/" + kimId + "/sessions");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("revoked").asInt()).isEqualTo(alive);
        for (Tokens tokens : sessions) {
            assertRefreshRefused(realm.refresh(tokens.refreshToken()));
            assertThat(realm.introspect(tokens.accessToken()).path("active").asBoolean()).isFalse();
        }
        assertThat(statusBySessionId(kimId).values()).hasSize(SESSIONS).allMatch("REVOKED"::equals);
    }

    @Test
    void aCleanupKilledMidBatchResumesWithoutLossOrDoubleWork() throws Exception {
        Database db = server.database();
        seedExpiredRecords(db, realm.id());

        CompletableFuture.runAsync(() -> realm.admin().post(realm.adminApi() + "/cleanup", "", Duration.ofMinutes(5)));
        awaitEnded(db, 300);
        server.kill();
        server.startAgain();

        Map<String, String> endedBeforeTheCrash = endedAtById(db);
        assertThat(endedBeforeTheCrash.size()).as("batches committed before the kill").isBetween(300, SEEDED - 1);
        Http.Reply resumed = realm.admin().post(realm.adminApi() + "/cleanup", "", Duration.ofMinutes(5));
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        System.out.printf("CrashIT: cleanup killed after %d of %d records; the next run ended %d%n",
                endedBeforeTheCrash.size(), SEEDED, resumed.json().path("ended").asLong());

        assertThat(resumed.json().path("ended").asLong()).isEqualTo(SEEDED - endedBeforeTheCrash.size());
        Map<String, String> endedAfter = endedAtById(db);
        assertThat(endedAfter).hasSize(SEEDED).containsAllEntriesOf(endedBeforeTheCrash);
    }

    private Map<String, String> statusBySessionId(String userId) {
        Map<String, String> statuses = new HashMap<>();
        for (String row : server.database().strings(
                "select KC_SESSION_ID || ' ' || STATUS from SM_SESSION where USER_ID = ?", userId)) {
            String[] parts = row.split(" ");
            statuses.put(parts[0], parts[1]);
        }
        return statuses;
    }

    /** Active records past their hard end, of no Keycloak session: all for the cleanup to end. */
    private static void seedExpiredRecords(Database db, String realmId) {
        long now = System.currentTimeMillis();
        db.update("insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS, MOBILE, REMEMBER_ME,"
                + " CREATED_AT, LAST_ACTIVE, EXPIRES_AT) select 'seed-' || lpad(x::text, 6, '0'), ?, 'seeded-user',"
                + " 'seed-kc-' || x, 'ONLINE', 'ACTIVE', false, false, ?, ?, ? from generate_series(1, ?) as s(x)",
                realmId, now - 60_000, now - 60_000, now - 1_000, SEEDED);
    }

    private static void awaitEnded(Database db, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (db.count("select count(*) from SM_SESSION where USER_ID = 'seeded-user' and STATUS <> 'ACTIVE'") >= count) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the cleanup did not end " + count + " records in two minutes");
    }

    private static Map<String, String> endedAtById(Database db) {
        Map<String, String> ended = new HashMap<>();
        for (String row : db.strings("select ID || ' ' || ENDED_AT || ' ' || STATUS from SM_SESSION"
                + " where USER_ID = 'seeded-user' and STATUS <> 'ACTIVE'")) {
            String[] parts = row.split(" ", 2);
            ended.put(parts[0], parts[1]);
        }
        return ended;
    }
}
