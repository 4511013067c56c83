package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the extension costs Keycloak, measured side by side in one run on one server: a realm
 * with the session-manager listener against an identical realm without it, and the extension's
 * API against Keycloak's own account API. Prints one line per figure and writes
 * target/bench/results.json. Run it with bench/run.
 */
public final class Benchmark {

    private static final String ON = "bench-on";
    private static final String OFF = "bench-off";
    private static final int WORKERS = 8;
    private static final int USERS = 20;
    private static final String PASSWORD = TestRealm.PASSWORD;

    private final BenchClient client;
    private final KeycloakServer server;
    private final Settings settings;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private TestRealm on;
    private TestRealm seedRealm;

    /** How long and how much: the defaults take about ten minutes; --quick is a smoke run. */
    record Settings(Duration round, int rounds, int otherRows, int sessionsForMemory) {
    }

    private Benchmark(KeycloakServer server, Settings settings) {
        this.server = server;
        this.client = new BenchClient(server.baseUrl());
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        int dbIndex = arguments.indexOf("--db");
        if (dbIndex >= 0) {
            System.setProperty("keycloak.db", arguments.get(dbIndex + 1));
        }
        Settings settings = arguments.contains("--quick")
                ? new Settings(Duration.ofSeconds(3), 2, 100_000, 1_000)
                : new Settings(Duration.ofSeconds(10), 4, 1_000_000, 10_000);
        try (KeycloakServer server = KeycloakServer.start("bench-server", List.of(
                "--spi-session-manager--default--cleanup-initial-delay=PT24H"))) {
            new Benchmark(server, settings).run(String.join(" ", args));
        }
    }

    private void run(String args) throws Exception {
        createRealms();
        results.put("login_ratio", ratio("login", worker -> {
            String user = "user" + (worker % USERS);
            return realm -> () -> client.login(realm, user, PASSWORD) != null;
        }));
        results.put("refresh_ratio", ratio("refresh", worker -> {
            Map<String, String> tokens = new LinkedHashMap<>();
            String user = "user" + (worker % USERS);
            return realm -> () -> client.refresh(realm, tokens.computeIfAbsent(realm, r -> refreshToken(r, user))) != null;
        }));
        seedOtherRows(settings.otherRows());
        listing();
        revokeAll();
        cleanup();
        memory();
        Map<String, Object> machine = machine();
        results.put("machine", machine);
        results.put("command", "bench/run " + args);
        Path out = Path.of("target/bench/results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        System.out.println("results: " + out.toAbsolutePath());
    }

    private void createRealms() {
        for (String realm : List.of(ON, OFF)) {
            TestRealm created = TestRealm.create(server, realm, realm.equals(OFF)
                    ? Map.of("eventsListeners", List.of("jboss-logging"), "eventsEnabled", false)
                    : Map.of("eventsEnabled", false));
            for (int i = 0; i < USERS; i++) {
                created.createUser("user" + i);
            }
            if (realm.equals(ON)) {
                on = created;
            }
        }
        for (String user : List.of("lister", "revoker", "account-revoker")) {
            on.createUser(user);
        }
    }

    /** Throughput with the listener on over off: warm-up, then alternating rounds, medians. */
    private double ratio(String name, java.util.function.IntFunction<java.util.function.Function<String,
            java.util.concurrent.Callable<Boolean>>> operation) {
        for (String realm : List.of(ON, OFF)) {
            Load.run(WORKERS, settings.round(), worker -> operation.apply(worker).apply(realm));
        }
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            boolean onFirst = round % 2 == 0;
            for (String realm : onFirst ? List.of(ON, OFF) : List.of(OFF, ON)) {
                Load.Stats stats = Load.run(WORKERS, settings.round(), worker -> operation.apply(worker).apply(realm));
                (realm.equals(ON) ? on : off).add(stats.perSecond());
            }
        }
        double ratio = median(on) / median(off);
        print(name + "_per_s_on", median(on));
        print(name + "_per_s_off", median(off));
        print(name + "_ratio", ratio);
        results.put(name + "_per_s_on", median(on));
        results.put(name + "_per_s_off", median(off));
        return ratio;
    }

    private String refreshToken(String realm, String user) {
        try {
            return client.login(realm, user, PASSWORD).path("refresh_token").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of other users, ended long ago, seeded straight into the table in server-side batches. */
    private void seedOtherRows(int count) throws SQLException {
        seedRealm = TestRealm.create(server, "bench-seed");
        String realmId = seedRealm.id();
        Database db = server.database();
        long endedAt = System.currentTimeMillis() - Duration.ofDays(60).toMillis();
        long start = System.nanoTime();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (int from = 1; from <= count; from += 100_000) {
                int to = Math.min(count, from + 99_999);
                statement.executeUpdate("insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS,"
                        + " MOBILE, REMEMBER_ME, CREATED_AT, LAST_ACTIVE, ENDED_AT, END_REASON, IP_ADDRESS, USER_AGENT)"
                        + " select concat('seed-', x), '" + realmId + "', concat('other-', mod(x, 50000)),"
                        + " concat('seedkc-', x), 'ONLINE', 'REVOKED', false, false, " + (endedAt - 3_600_000) + ", "
                        + endedAt + ", " + endedAt + ", 'USER_REVOKED', '203.0.113.7', 'Mozilla/5.0 seeded'"
                        + " from " + series(db, from, to));
            }
        }
        print("seeded_rows", count);
        print("seed_seconds", (System.nanoTime() - start) / 1e9);
        results.put("seeded_rows", count);
        results.put("seed_realm_id", realmId);
    }

    private static String series(Database db, int from, int to) {
        return switch (db.kind()) {
            case "postgres" -> "generate_series(" + from + ", " + to + ") as s(x)";
            case "mariadb" -> "(select seq as x from seq_" + from + "_to_" + to + ") s";
            default -> "(select x from system_range(" + from + ", " + to + ")) s";
        };
    }

    /** p50 of our list beside Keycloak's own, for a user with 20 sessions. */
    private void listing() throws Exception {
        String bearer = signInTimes("lister", 19);
        Load.Stats ours = null;
        Load.Stats theirs = null;
        for (int round = 0; round < 3; round++) {
            theirs = Load.run(1, settings.round(), w -> () -> client.get("/realms/" + ON + "/account/sessions", bearer) == 200);
            ours = Load.run(1, settings.round(), w -> () -> client.get("/realms/" + ON + "/sessions", bearer) == 200);
        }
        double ratio = ours.percentileMillis(50) / theirs.percentileMillis(50);
        print("list_p50_ms", ours.percentileMillis(50));
        print("account_sessions_p50_ms", theirs.percentileMillis(50));
        print("list_p50_ratio", ratio);
        results.put("list_p50_ms", ours.percentileMillis(50));
        results.put("account_sessions_p50_ms", theirs.percentileMillis(50));
        results.put("list_p50_ratio", ratio);
    }

    /** DELETE of all of a user's 200 sessions, per session, beside Keycloak's own DELETE /account/sessions. */
    private void revokeAll() throws Exception {
        String ours = signInTimes("revoker", 199);
        long t0 = System.nanoTime();
        int status = client.delete("/realms/" + ON + "/sessions", ours);
        double oursMs = (System.nanoTime() - t0) / 1e6 / 200;
        String theirs = signInTimes("account-revoker", 199);
        t0 = System.nanoTime();
        int theirStatus = client.delete("/realms/" + ON + "/account/sessions?current=true", theirs);
        double theirsMs = (System.nanoTime() - t0) / 1e6 / 200;
        if (status != 200 || theirStatus / 100 != 2) {
            throw new IllegalStateException("revoke-all failed: " + status + " / " + theirStatus);
        }
        print("revoke_all_ms_per_session", oursMs);
        print("account_revoke_all_ms_per_session", theirsMs);
        print("revoke_all_ratio", oursMs / theirsMs);
        results.put("revoke_all_ms_per_session", oursMs);
        results.put("account_revoke_all_ms_per_session", theirsMs);
        results.put("revoke_all_ratio", oursMs / theirsMs);
    }

    /** Signs a user in {@code times} times, then once more; returns the last sign-in's access token. */
    private String signInTimes(String user, int times) throws Exception {
        AtomicInteger left = new AtomicInteger(times);
        Load.runWhile(WORKERS, () -> left.get() > 0, Duration.ofMinutes(5),
                w -> () -> left.getAndDecrement() <= 0 || client.login(ON, user, PASSWORD) != null);
        return client.login(ON, user, PASSWORD).path("access_token").asText();
    }

    /** Deleting the seeded rows, and what it does to sign-ins meanwhile. */
    private void cleanup() throws Exception {
        Load.Stats rest = Load.run(WORKERS, settings.round(), w -> () -> client.login(ON, "user" + (w % USERS), PASSWORD) != null);
        long t0 = System.nanoTime();
        CompletableFuture<Http.Reply> cleanup = CompletableFuture.supplyAsync(
                () -> seedRealm.admin().post(seedRealm.adminApi() + "/cleanup", "", Duration.ofMinutes(20)));
        Load.Stats during = Load.runWhile(WORKERS, () -> !cleanup.isDone(), Duration.ofMinutes(10),
                w -> () -> client.login(ON, "user" + (w % USERS), PASSWORD) != null);
        Http.Reply reply = cleanup.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long deleted = reply.json().path("deleted").asLong();
        print("cleanup_deleted", deleted);
        print("cleanup_rows_per_s", deleted / seconds);
        print("login_p99_ms_at_rest", rest.percentileMillis(99));
        print("login_p99_ms_during_cleanup", during.percentileMillis(99));
        print("cleanup_login_p99_ratio", during.percentileMillis(99) / rest.percentileMillis(99));
        results.put("cleanup_deleted", deleted);
        results.put("cleanup_rows_per_s", deleted / seconds);
        results.put("login_p99_ms_at_rest", rest.percentileMillis(99));
        results.put("login_p99_ms_during_cleanup", during.percentileMillis(99));
        results.put("cleanup_login_p99_ratio", during.percentileMillis(99) / rest.percentileMillis(99));
    }

    /** Heap after a full GC with n more sessions, listener on against listener off. */
    private void memory() throws Exception {
        int n = settings.sessionsForMemory();
        long base = heapUsedAfterGc();
        createSessions(OFF, n);
        long off = heapUsedAfterGc();
        createSessions(ON, n);
        long on = heapUsedAfterGc();
        double perTenThousand = ((on - off) - (off - base)) / 1e6 * 10_000 / n;
        print("heap_mb_per_10k_sessions_listener_off", (off - base) / 1e6 * 10_000 / n);
        print("heap_mb_per_10k_sessions_listener_on", (on - off) / 1e6 * 10_000 / n);
        print("memory_mb_per_10k_sessions", perTenThousand);
        results.put("memory_mb_per_10k_sessions", perTenThousand);
    }

    private void createSessions(String realm, int n) {
        AtomicInteger left = new AtomicInteger(n);
        Load.runWhile(WORKERS, () -> left.get() > 0, Duration.ofMinutes(10), w -> () ->
                left.getAndDecrement() <= 0 || client.login(realm, "user" + (w % USERS), PASSWORD) != null);
    }

    private long heapUsedAfterGc() throws IOException, InterruptedException {
        String jcmd = ProcessHandle.of(server.pid()).flatMap(p -> p.info().command())
                .map(java -> Path.of(java).resolveSibling("jcmd").toString()).orElse("jcmd");
        run(jcmd, String.valueOf(server.pid()), "GC.run");
        String info = run(jcmd, String.valueOf(server.pid()), "GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("No heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }

    private Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gb", Math.round(((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9));
        machine.put("server_java", ProcessHandle.of(server.pid()).flatMap(p -> p.info().command()).orElse("?"));
        machine.put("database", server.database().kind());
        machine.put("workers", WORKERS);
        return machine;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void print(String name, double value) {
        System.out.printf("%-40s %12.3f%n", name, value);
    }

}
