package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TcpProxy;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL gone for 20 s (every connection dropped, new ones refused) while sign-ins, refreshes,
 * lists and revocations go on: the extension answers no 5xx outside the outage, and within it
 * only where Keycloak's own endpoints fail too; every revocation it confirmed holds afterwards;
 * its records catch up with Keycloak's sessions; its failed writes are logged once per burst.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    private static final int USERS = 10;
    private static final int CLIENTS = 4;

    private final TcpProxy proxy = new TcpProxy(5432);
    private DistributionServer server;
    private TestRealm realm;
    private final Map<Integer, List<Tokens>> signedIn = new ConcurrentHashMap<>();
    private final List<Tokens> revoked = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile Phase phase = Phase.BEFORE;

    private enum Phase { BEFORE, OUTAGE, RECOVERY, AFTER }

    private record Answer(String kind, Phase phase, int status, String body) {
    }

    @BeforeAll
    void start() {
        server = DistributionServer.start("outage-server", home -> Database.fresh("postgres", home).through(proxy.port()),
                List.of("--spi-session-manager--default--cleanup-initial-delay=PT24H"));
        realm = TestRealm.create(server, "outage");
        for (int i = 0; i < USERS; i++) {
            realm.createUser("user" + i);
            signedIn.put(i, new CopyOnWriteArrayList<>(List.of(realm.login("user" + i))));
        }
    }

    @AfterAll
    void stop() {
        setReadOnly(false);
        server.close();
        proxy.close();
    }

    @Test
    @Order(1)
    void aDatabaseGoneFor20SecondsLosesNoRevocationAndTheRecordsCatchUp() throws Exception {
        long logBefore = Files.size(server.log());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            long seed = c;
            clients.submit(() -> load(new Random(seed), running));
        }
        Thread.sleep(5_000);
        phase = Phase.OUTAGE;
        proxy.cut();
        Thread.sleep(OUTAGE.toMillis());
        proxy.restore();
        phase = Phase.RECOVERY;
        Thread.sleep(RECOVERY.toMillis());
        phase = Phase.AFTER;
        Thread.sleep(5_000);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        System.out.println("DatabaseOutageIT: answers by kind, phase and status " + tally());

        assertThat(answers).filteredOn(a -> a.kind().startsWith("ours") && a.status() >= 500)
                .allSatisfy(a -> {
                    assertThat(a.phase()).isIn(Phase.OUTAGE, Phase.RECOVERY);
                    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
                });
        assertThat(answers).filteredOn(a -> a.phase() == Phase.AFTER && a.status() >= 500).isEmpty();
        assertThat(answers).as("Keycloak itself felt the outage")
                .anyMatch(a -> !a.kind().startsWith("ours") && a.phase() == Phase.OUTAGE && a.status() >= 500);
        assertThat(revoked).as("revocations confirmed").isNotEmpty();
        for (Tokens tokens : revoked) {
            assertRefreshRefused(realm.refresh(tokens.refreshToken()));
            assertThat(realm.introspect(tokens.accessToken()).path("active").asBoolean()).isFalse();
        }
        for (int i = 0; i < USERS; i++) {
            Tokens fresh = realm.login("user" + i);
            assertThat(ourSessionCount(fresh)).as("user%d's records against Keycloak's sessions", i)
                    .isEqualTo(keycloakSessionCount(fresh));
        }
        List<String> warnings = extensionWarnings(logBefore);
        System.out.println("DatabaseOutageIT: the extension's warnings and errors in the log: " + warnings.size());
        warnings.forEach(System.out::println);
        assertThat(warnings).noneMatch(line -> line.contains("ERROR"));
        long failedWrites = realm.admin().mustGet(realm.adminApi() + "/status").json().path("failedRecordWrites").asLong();
        List<String> recording = warnings.stream().filter(line -> line.contains("RecordingFailures")).toList();
        if (failedWrites == 0) {
            assertThat(recording).isEmpty();
        } else {
            assertThat(recording).hasSize(2);
            assertThat(recording.get(0)).contains("Recording a session failed");
            assertThat(recording.get(1)).endsWith("works again after " + failedWrites + " failed writes");
        }
    }

    /**
     * The database turned read-only (as a full disk or a demoted primary leaves it): a
     * revocation is refused at once with a JSON error, not a hang and not a 2xx it cannot keep;
     * its record stays active, and the same revocation completes once writes are back.
     */
    @Test
    @Order(2)
    void aReadOnlyDatabaseIsAnsweredWithACleanErrorNotAHang() {
        Tokens victim = realm.login("user0");
        Tokens caller = realm.login("user0");
        String victimId = currentId(victim);
        setReadOnly(true);
        try {
            long start = System.nanoTime();
            Http.Reply refused = Http.delete(realm.sessionsUrl() + "/" + victimId, caller.accessToken());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("DatabaseOutageIT: a revocation on a read-only database answered %d in %d ms: %s%n",
                    refused.status(), millis, refused.body());
            assertThat(millis).as("answered, not hung").isLessThan(30_000);
            assertThat(refused.status()).as(refused.body()).isBetween(400, 599);
            assertThat(refused.body()).contains("\"error\"").doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            setReadOnly(false);
        }
        // The failed write rolled back; the revocation mark, made first and outside the database, may
        // already refuse the session: then it is dead early (the safe side), never listed as ended.
        System.out.printf("DatabaseOutageIT: after the refused revocation the session's refresh answers %d%n",
                eventually(() -> realm.refresh(victim.refreshToken())).status());
        assertThat(server.database().strings("select STATUS from SM_SESSION where KC_SESSION_ID = ?", victim.sessionId()))
                .containsExactly("ACTIVE");
        assertThat(eventually(() -> Http.delete(realm.sessionsUrl() + "/" + victimId, caller.accessToken())).status())
                .as("the revocation repeated once writes are back").isEqualTo(204);
        assertRefreshRefused(realm.refresh(victim.refreshToken()));
        assertThat(realm.introspect(victim.accessToken()).path("active").asBoolean()).isFalse();
        assertThat(server.database().strings("select STATUS from SM_SESSION where KC_SESSION_ID = ?", victim.sessionId()))
                .containsExactly("REVOKED");
    }

    private String currentId(Tokens tokens) {
        for (JsonNode session : Http.get(realm.sessionsUrl(), tokens.accessToken()).json()) {
            if (session.path("current").asBoolean()) {
                return session.path("id").asText();
            }
        }
        throw new AssertionError("no current session");
    }

    /** The first answer that is not a 5xx within a minute, while Keycloak's open transactions see the change. */
    private static Http.Reply eventually(Supplier<Http.Reply> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Http.Reply reply = request.get();
        while (reply.status() >= 500 && System.nanoTime() < deadline) {
            reply = request.get();
        }
        return reply;
    }

    /**
     * The whole PostgreSQL server read-only for every transaction that starts from now on, its open
     * connections included (a reloaded default, as a full disk or a demoted primary leaves them);
     * back to read-write in {@link #stop} at the latest.
     */
    private static void setReadOnly(boolean readOnly) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(readOnly ? "alter system set default_transaction_read_only = on"
                    : "alter system reset default_transaction_read_only");
            statement.execute("select pg_reload_conf()");
            Thread.sleep(500);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client: a mix of sign-ins, refreshes, lists (ours and Keycloak's) and revocations, as long as running. */
    private void load(Random random, AtomicBoolean running) {
        while (running.get()) {
            int user = random.nextInt(USERS);
            List<Tokens> sessions = signedIn.get(user);
            Tokens some = sessions.get(random.nextInt(sessions.size()));
            try {
                switch (random.nextInt(5)) {
                    case 0 -> signIn(user);
                    case 1 -> record("keycloak refresh", realm.refresh(some.refreshToken()));
                    case 2 -> record("ours list", Http.get(realm.sessionsUrl(), some.accessToken()));
                    case 3 -> record("keycloak account list", realm.accountSessions(some.accessToken()));
                    default -> revokeCurrent(some);
                }
            } catch (UncheckedIOException e) {
                answers.add(new Answer("no answer", phase, 0, e.getMessage()));
            }
        }
    }

    private void signIn(int user) {
        Http.Reply reply = realm.passwordGrant("user" + user, TestRealm.PASSWORD, "openid", Map.of());
        record("keycloak sign-in", reply);
        if (reply.status() == 200) {
            signedIn.get(user).add(Tokens.of(reply.json()));
        }
    }

    /** Revokes the session of {@code tokens} through the API; a 2xx is a promise checked at the end. */
    private void revokeCurrent(Tokens tokens) {
        Http.Reply list = Http.get(realm.sessionsUrl(), tokens.accessToken());
        record("ours list", list);
        if (list.status() != 200) {
            return;
        }
        for (JsonNode session : list.json()) {
            if (session.path("current").asBoolean()) {
                Http.Reply revoke = Http.delete(realm.sessionsUrl() + "/" + session.path("id").asText(), tokens.accessToken());
                record("ours revoke", revoke);
                if (revoke.status() / 100 == 2) {
                    revoked.add(tokens);
                }
            }
        }
    }

    private void record(String kind, Http.Reply reply) {
        answers.add(new Answer(kind, phase, reply.status(), reply.body()));
    }

    private Map<String, Integer> tally() {
        Map<String, Integer> counts = new TreeMap<>();
        answers.forEach(a -> counts.merge(a.kind() + " " + a.phase() + " " + a.status(), 1, Integer::sum));
        return counts;
    }

    private int ourSessionCount(Tokens tokens) {
        Http.Reply reply = Http.get(realm.sessionsUrl(), tokens.accessToken());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().size();
    }

    private int keycloakSessionCount(Tokens tokens) {
        Http.Reply reply = realm.accountSessions(tokens.accessToken());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().size();
    }

    private List<String> extensionWarnings(long offset) throws IOException {
        byte[] log = Files.readAllBytes(server.log());
        String added = new String(log, (int) offset, log.length - (int) offset, java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        added.lines().filter(line -> line.contains("[io.sessionmanager") && (line.contains("WARN") || line.contains("ERROR")))
                .forEach(lines::add);
        return lines;
    }
}
