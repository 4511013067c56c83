package io.sessionmanager.keycloak.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Admin;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run --soak}: one Keycloak with the extension on PostgreSQL, many clients at once for
 * a while, each with users of its own, doing what users and applications do (sign in, refresh,
 * userinfo, list, revoke one, sign out other devices, log out everywhere, an application's
 * sign-out, an admin's password reset). Then every record is checked against Keycloak: each ACTIVE
 * record has a live Keycloak session and each live session an ACTIVE record, and every session
 * whose ending was answered with a 2xx is dead. Prints requests, answers by status, p50/p99 per
 * kind and the inconsistencies. Then a bot's user with thousands of sessions ({@link Bot}). Writes
 * target/bench/soak.json.
 */
final class Soak {

    private static final int USERS_PER_CLIENT = 4;

    private final DistributionServer server;
    private final TestRealm realm;
    private final Admin admin;
    private final int clients;
    private final Duration duration;
    private final int botSessions;
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    /** Sessions whose ending got a 2xx, by user: none may live afterwards. */
    private final Map<String, Set<Tokens>> ended = new ConcurrentHashMap<>();
    /** Sessions that may still live, by user. */
    private final Map<String, List<Tokens>> live = new ConcurrentHashMap<>();
    private final Map<String, String> userIds = new ConcurrentHashMap<>();

    private Soak(DistributionServer server, int clients, Duration duration, int botSessions) {
        this.server = server;
        this.realm = TestRealm.create(server, "soak");
        this.admin = realm.admin();
        this.clients = clients;
        this.duration = duration;
        this.botSessions = botSessions;
    }

    static void run(int clients, Duration duration, int botSessions, String args) throws Exception {
        System.setProperty("keycloak.db", "postgres");
        try (DistributionServer server = DistributionServer.start("soak-server", List.of(
                "--spi-session-manager--default--cleanup-initial-delay=PT24H"))) {
            new Soak(server, clients, duration, botSessions).run(args);
        }
    }

    private void run(String args) throws Exception {
        for (int u = 0; u < clients * USERS_PER_CLIENT; u++) {
            String username = "user" + u;
            userIds.put(username, realm.createUser(username));
            live.put(username, new ArrayList<>());
            ended.put(username, ConcurrentHashMap.newKeySet());
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            pool.submit(() -> client(client, new Random(client), deadline));
        }
        pool.shutdown();
        if (!pool.awaitTermination(duration.toSeconds() + 300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not stop");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> results = results(seconds, check(), args);
        write(results);
        results.put("bot", new Bot(realm, botSessions).measure());
        write(results);
    }

    /** One client: its own users, one operation after another until the deadline. */
    private void client(int client, Random random, long deadline) {
        while (System.nanoTime() < deadline) {
            String user = "user" + (client * USERS_PER_CLIENT + random.nextInt(USERS_PER_CLIENT));
            try {
                step(user, random);
            } catch (RuntimeException e) {
                statuses.merge("exception " + e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    private void step(String user, Random random) {
        List<Tokens> sessions = live.get(user);
        int roll = random.nextInt(100);
        if (sessions.isEmpty() || roll < 20) {
            signIn(user);
            return;
        }
        Tokens some = sessions.get(random.nextInt(sessions.size()));
        if (roll < 45) {
            Http.Reply reply = timed("refresh", () -> realm.refresh(some.refreshToken()));
            if (reply.status() == 200) {
                sessions.set(sessions.indexOf(some), Tokens.of(reply.json()));
            }
        } else if (roll < 60) {
            timed("userinfo", () -> realm.userinfo(some.accessToken()));
        } else if (roll < 80) {
            timed("list", () -> Http.get(realm.sessionsUrl(), some.accessToken()));
        } else if (roll < 88) {
            revokeCurrent(user, some);
        } else if (roll < 92) {
            endAll(user, "sign_out_others", some, () -> Http.delete(realm.sessionsUrl() + "?keepCurrent=true", some.accessToken()));
        } else if (roll < 95) {
            endAll(user, "logout_everywhere", null, () -> Http.delete(realm.sessionsUrl(), some.accessToken()));
        } else if (roll < 98) {
            Http.Reply reply = timed("app_logout", () -> realm.logout(some.refreshToken()));
            if (reply.status() / 100 == 2) {
                end(user, List.of(some));
            }
        } else {
            endAll(user, "password_reset", null, () -> admin.put("/soak/users/" + userIds.get(user) + "/reset-password",
                    Map.of("type", "password", "value", TestRealm.PASSWORD, "temporary", false)));
        }
    }

    private void signIn(String user) {
        Http.Reply reply = timed("sign_in", () -> realm.passwordGrant(user, TestRealm.PASSWORD, "openid", Map.of()));
        if (reply.status() == 200) {
            live.get(user).add(Tokens.of(reply.json()));
        }
    }

    private void revokeCurrent(String user, Tokens tokens) {
        Http.Reply list = timed("list", () -> Http.get(realm.sessionsUrl(), tokens.accessToken()));
        if (list.status() != 200) {
            return;
        }
        for (JsonNode session : list.json()) {
            if (session.path("current").asBoolean()) {
                Http.Reply revoke = timed("revoke_one",
                        () -> Http.delete(realm.sessionsUrl() + "/" + session.path("id").asText(), tokens.accessToken()));
                if (revoke.status() / 100 == 2) {
                    end(user, List.of(tokens));
                }
            }
        }
    }

    /** Ends every session of the user but {@code kept}'s; only this client signs the user in, so the set is known. */
    private void endAll(String user, String kind, Tokens kept, java.util.function.Supplier<Http.Reply> request) {
        List<Tokens> before = new ArrayList<>(live.get(user));
        Http.Reply reply = timed(kind, request);
        if (reply.status() / 100 == 2) {
            end(user, before.stream().filter(t -> kept == null || !t.sessionId().equals(kept.sessionId())).toList());
        }
    }

    private void end(String user, List<Tokens> sessions) {
        Set<String> sids = new HashSet<>();
        sessions.forEach(t -> sids.add(t.sessionId()));
        ended.get(user).addAll(sessions);
        live.get(user).removeIf(t -> sids.contains(t.sessionId()));
    }

    private Http.Reply timed(String kind, java.util.function.Supplier<Http.Reply> request) {
        long t0 = System.nanoTime();
        Http.Reply reply = request.get();
        latencies.computeIfAbsent(kind, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(System.nanoTime() - t0);
        statuses.merge(kind + " " + reply.status(), 1, Integer::sum);
        return reply;
    }

    /** Every record against Keycloak, and every ended session against the token endpoint. */
    private List<String> check() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> user : userIds.entrySet()) {
            Set<String> keycloak = new HashSet<>();
            admin.mustGet("/soak/users/" + user.getValue() + "/sessions").json()
                    .forEach(s -> keycloak.add(s.path("id").asText()));
            Set<String> records = new HashSet<>(server.database().strings(
                    "select KC_SESSION_ID from SM_SESSION where USER_ID = ? and STATUS = 'ACTIVE'", user.getValue()));
            records.stream().filter(id -> !keycloak.contains(id))
                    .forEach(id -> problems.add(user.getKey() + ": ACTIVE record of a session Keycloak does not hold: " + id));
            keycloak.stream().filter(id -> !records.contains(id))
                    .forEach(id -> problems.add(user.getKey() + ": live Keycloak session without an ACTIVE record: " + id));
            for (Tokens dead : ended.get(user.getKey())) {
                int status = realm.refresh(dead.refreshToken()).status();
                if (status != 400) {
                    problems.add(user.getKey() + ": session " + dead.sessionId() + " ended with a 2xx refreshes: " + status);
                }
            }
        }
        return problems;
    }

    private Map<String, Object> results(double seconds, List<String> inconsistencies, String args) {
        Map<String, Object> results = new LinkedHashMap<>();
        int requests = statuses.values().stream().mapToInt(Integer::intValue).sum();
        results.put("command", "bench/run " + args);
        results.put("clients", clients);
        results.put("seconds", Math.round(seconds));
        results.put("requests", requests);
        results.put("requests_per_s", Math.round(requests / seconds));
        results.put("answers_by_status", new TreeMap<>(statuses));
        Map<String, Object> percentiles = new TreeMap<>();
        latencies.forEach((kind, values) -> percentiles.put(kind, Map.of("count", values.size(),
                "p50_ms", percentile(values, 50), "p99_ms", percentile(values, 99))));
        results.put("latency", percentiles);
        results.put("sessions_ended_with_2xx", ended.values().stream().mapToInt(Set::size).sum());
        results.put("inconsistencies", inconsistencies.size());
        inconsistencies.stream().limit(20).forEach(problem -> System.out.println("INCONSISTENT " + problem));
        return results;
    }

    private static void write(Map<String, Object> results) throws Exception {
        String json = Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results);
        System.out.println(json);
        Path out = Path.of("target/bench/soak.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.println("results: " + out.toAbsolutePath());
    }

    private static double percentile(List<Long> values, double p) {
        long[] sorted;
        synchronized (values) {
            sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return Math.round(sorted[Math.max(0, index)] / 1e5) / 10.0;
    }
}
