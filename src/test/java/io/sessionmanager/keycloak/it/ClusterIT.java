package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakDoors;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.RevocationRace;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Keycloak nodes as production runs them ({@code kc.sh start}, Infinispan, one PostgreSQL
 * database, discovery through it, one hostname): what one node does, the other sees at once,
 * because the extension keeps nothing of its own in memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(12);
    /** Per direction and loop count; the single-node suite runs the many rounds, this checks the cluster's side. */
    private static final int RACE_ROUNDS = 3;
    private static final long ONE_DAY_MILLIS = Duration.ofDays(1).toMillis();

    private List<DistributionServer> nodes;
    private TestRealm onA;
    private TestRealm onB;
    private String danId;

    @BeforeAll
    void startCluster() {
        nodes = DistributionServer.startCluster("cluster", 2, List.of(
                "--spi-session-manager--default--cleanup-interval=PT" + CLEANUP_INTERVAL.toSeconds() + "S",
                "--spi-session-manager--default--cleanup-initial-delay=PT5S"));
        onA = TestRealm.create(nodes.get(0), "cluster");
        onB = onA.on(nodes.get(1));
        for (String user : List.of("ann", "ben", "cat")) {
            onA.createUser(user);
        }
        danId = onA.createUser("dan");
    }

    @AfterAll
    void stopCluster() {
        nodes.forEach(DistributionServer::close);
    }

    @Test
    @Order(1)
    void sessionSignedInOnAIsListedOnB() {
        Tokens tokens = onA.login("ann");

        List<JsonNode> onNodeB = list(onB, tokens);

        assertThat(onNodeB).singleElement().satisfies(s -> assertThat(s.path("current").asBoolean()).isTrue());
        assertThat(onNodeB.get(0).path("id").asText()).isEqualTo(currentId(onA, tokens));
    }

    @Test
    @Order(2)
    void sessionRevokedOnBCanNoLongerBeUsedOnA() {
        Tokens caller = onA.login("ben");
        Tokens victim = onA.login("ben");

        assertThat(revoke(onB, caller, currentId(onA, victim)).status()).isEqualTo(204);

        assertRefreshRefused(onA.refresh(victim.refreshToken()));
        assertThat(onA.introspect(victim.accessToken()).path("active").asBoolean()).isFalse();
        assertThat(onA.userinfo(victim.accessToken()).status()).isEqualTo(401);
        assertThat(onA.refresh(caller.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void logoutEverywhereOnAEndsSessionsCreatedOnB() {
        Tokens first = onB.login("cat");
        Tokens offline = onB.loginOffline("cat");
        Tokens caller = onA.login("cat");

        Http.Reply reply = Http.delete(onA.sessionsUrl(), caller.accessToken());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("revoked").asLong()).isEqualTo(3);
        for (Tokens ended : List.of(first, offline)) {
            assertRefreshRefused(onB.refresh(ended.refreshToken()));
            assertThat(onB.introspect(ended.accessToken()).path("active").asBoolean()).isFalse();
        }
    }

    /**
     * SPEC "What revoked means", on a cluster: a thief refreshing on one node while the session
     * ends on the other loses, whichever node does what, whether the owner revokes it through the
     * extension or an administrator presses Sign out in Keycloak's admin console.
     */
    @ParameterizedTest(name = "{0} on {1}, refresh on the other")
    @CsvSource({"extension revoke, A", "extension revoke, B", "Keycloak admin Sign out, A", "Keycloak admin Sign out, B"})
    @Order(3)
    void anEndingOnOneNodeHoldsAgainstRefreshesOnTheOther(String door, String endingNode) {
        boolean ours = door.startsWith("extension");
        TestRealm ending = endingNode.equals("A") ? onA : onB;
        TestRealm refreshing = endingNode.equals("A") ? onB : onA;
        for (int refreshers : List.of(1, 12)) {
            for (int round = 0; round < RACE_ROUNDS; round++) {
                String username = "racer-" + (ours ? "" : "kc-") + endingNode + "-" + refreshers + "-" + round;
                String userId = onA.createUser(username);
                Tokens victim = refreshing.login(username);
                Tokens owner = ending.login(username);
                String victimId = currentId(ending, victim);

                RevocationRace.Outcome race = RevocationRace.run(refreshing, victim, refreshers,
                        () -> ours ? revoke(ending, owner, victimId) : KeycloakDoors.adminSignOut(ending, userId));

                race.assertHeld(userId);
                // Keycloak's Sign out ends every session of the user, the owner's too.
                Tokens witness = ours ? owner : ending.login(username);
                race.assertNotListedByKeycloakAccountApi(witness);
                assertThat(list(refreshing, witness)).extracting(s -> s.path("id").asText()).doesNotContain(victimId);
            }
        }
    }

    /**
     * Both nodes' timers fire every interval, each at its own moment; Keycloak's cluster lock
     * alone would let both run. The "last run" record lets only one run per interval.
     */
    @Test
    @Order(4)
    void scheduledCleanupRunsOncePerIntervalAcrossTheCluster() throws InterruptedException {
        Map<Long, String> runs = new LinkedHashMap<>();
        long deadline = System.nanoTime() + CLEANUP_INTERVAL.multipliedBy(3).toNanos();
        int poll = 0;
        while (System.nanoTime() < deadline) {
            JsonNode lastRun = lastCleanup(poll++ % 2 == 0 ? onA : onB);
            if (lastRun.has("startedAt")) {
                runs.putIfAbsent(lastRun.path("startedAt").asLong(), lastRun.path("node").asText());
            }
            Thread.sleep(250);
        }

        List<Long> starts = new ArrayList<>(runs.keySet());
        assertThat(starts).as("runs seen: %s", runs).hasSizeBetween(2, 4);
        assertThat(runs.values()).as("the node is shown to the server's admins").doesNotContain("");
        assertThat(lastCleanupForTheRealmsOwnAdmin(onA)).as("a realm's own admin sees when, not where")
                .isNotEmpty().noneMatch(field -> field.equals("node"));
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).as("runs seen: %s", runs)
                    .isGreaterThanOrEqualTo(CLEANUP_INTERVAL.toMillis() - 1000);
        }
    }

    /**
     * Two nodes cleaning the same realm at the same moment: every row past retention is deleted
     * once (the counts add up), and nothing else is touched. Started right after a scheduled run
     * finished, so that none begins meanwhile.
     */
    @Test
    @Order(5)
    void cleanupOnBothNodesAtOnceDeletesEachRowOnce() throws Exception {
        Database db = onA.server().database();
        String realmId = onA.id();
        int old = 3000;
        int kept = 200;
        awaitFreshScheduledRun();
        seed(db, realmId, old, kept);

        CompletableFuture<Http.Reply> onNodeA = CompletableFuture.supplyAsync(() -> cleanupNow(onA));
        CompletableFuture<Http.Reply> onNodeB = CompletableFuture.supplyAsync(() -> cleanupNow(onB));
        long deleted = onNodeA.get().json().path("deleted").asLong() + onNodeB.get().json().path("deleted").asLong();

        assertThat(deleted).isEqualTo(old);
        assertThat(db.count("select count(*) from SM_SESSION where ID like 'seed-%'")).isEqualTo(kept);
    }

    /** Node A stops (gracefully, as an orchestrator stops it) while users sign in on both nodes. */
    @Test
    @Order(6)
    void stoppingANodeUnderTrafficLosesNoRecordAndTheOtherKeepsServing() throws Exception {
        List<String> signedIn = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failuresOnB = new AtomicInteger();
        AtomicBoolean aStopped = new AtomicBoolean();
        AtomicInteger servedByBAfterStop = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int worker = 0; worker < 4; worker++) {
            TestRealm node = worker % 2 == 0 ? onA : onB;
            clients.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        Http.Reply reply = node.passwordGrant("dan", TestRealm.PASSWORD, "openid", Map.of());
                        if (reply.status() == 200) {
                            signedIn.add(Tokens.claims(reply.json().path("access_token").asText()).path("sid").asText());
                            if (node == onB && aStopped.get()) {
                                servedByBAfterStop.incrementAndGet();
                            }
                        } else if (node == onB) {
                            failuresOnB.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        if (node == onB) {
                            failuresOnB.incrementAndGet();
                        }
                    }
                }
            });
        }
        Thread.sleep(5000);
        nodes.get(0).stop();
        aStopped.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

        assertThat(failuresOnB.get()).isZero();
        assertThat(servedByBAfterStop.get()).isPositive();
        assertThat(signedIn).hasSizeGreaterThan(20);
        List<String> records = onB.server().database().strings(
                "select KC_SESSION_ID from SM_SESSION where USER_ID = ?", danId);
        assertThat(records).containsAll(signedIn);
    }

    private void awaitFreshScheduledRun() throws InterruptedException {
        long since = System.currentTimeMillis();
        long deadline = System.nanoTime() + CLEANUP_INTERVAL.multipliedBy(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode lastRun = lastCleanup(onA);
            if (lastRun.path("finishedAt").asLong() > since) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no scheduled cleanup finished within two intervals");
    }

    /** Ended rows past the default 30-day retention, rows ended today and active rows; in bulk, on PostgreSQL. */
    private static void seed(Database db, String realmId, int old, int kept) {
        long now = System.currentTimeMillis();
        long longAgo = now - 31 * ONE_DAY_MILLIS;
        String insert = "insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS, MOBILE, REMEMBER_ME,"
                + " CREATED_AT, LAST_ACTIVE, ENDED_AT, END_REASON) select 'seed-' || x, ?, 'seeded-user', 'seed-kc-' || x,"
                + " 'ONLINE', ?, false, false, ?, ?, ?, ? from generate_series(?, ?) as s(x)";
        db.update(insert.replace(", ?, ? from", ", null, null from"), realmId, "ACTIVE", now, now, 1, kept / 2);
        db.update(insert, realmId, "REVOKED", now, now, now - 1000, "USER_REVOKED", kept / 2 + 1, kept);
        db.update(insert, realmId, "REVOKED", longAgo, longAgo, longAgo, "USER_REVOKED", kept + 1, kept + old);
    }

    private static Http.Reply cleanupNow(TestRealm node) {
        Http.Reply reply = node.admin().post(node.adminApi() + "/cleanup", "", Duration.ofMinutes(2));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply;
    }

    private static JsonNode lastCleanup(TestRealm node) {
        return node.admin().mustGet(node.adminApi() + "/cleanup").json();
    }

    /** The fields of the last run as an admin of the realm itself (not of the master realm) sees them. */
    private static List<String> lastCleanupForTheRealmsOwnAdmin(TestRealm node) {
        String username = "realm-admin-" + System.nanoTime();
        node.grantRealmManagementRoles(node.createUser(username), "view-realm");
        Http.Reply reply = Http.get(node.server().baseUrl() + "/admin/realms" + node.adminApi() + "/cleanup",
                node.adminCliToken(username));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> fields = new ArrayList<>();
        reply.json().fieldNames().forEachRemaining(fields::add);
        return fields;
    }
}
