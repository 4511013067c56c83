package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.DistributionServer;
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
    private final DistributionServer server;
    private final Settings settings;
    private final boolean profile;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private TestRealm on;
    private TestRealm seedRealm;

    /**
     * How long and how much: the defaults take about twelve minutes; --quick is a smoke run. Many
     * short alternating rounds cancel the machine's drift better than a few long ones.
     */
    record Settings(Duration round, int rounds, int otherRows, int sessionsForMemory) {
    }

    private Benchmark(DistributionServer server, Settings settings, boolean profile) {
        this.server = server;
        this.client = new BenchClient(server.baseUrl());
        this.settings = settings;
        this.profile = profile;
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--race")) {
            RaceBenchmark.run(arguments.contains("--quick"), String.join(" ", args));
            return;
        }
        if (arguments.contains("--soak")) {
            Soak.run(option(arguments, "--clients", 50), Duration.ofSeconds(option(arguments, "--seconds", 60)),
                    option(arguments, "--bot-sessions", 10_000), String.join(" ", args));
            return;
        }
        int dbIndex = arguments.indexOf("--db");
        if (dbIndex >= 0) {
            System.setProperty("keycloak.db", arguments.get(dbIndex + 1));
        }
        Settings settings = arguments.contains("--quick")
                ? new Settings(Duration.ofSeconds(3), 2, 100_000, 1_000)
                : new Settings(Duration.ofSeconds(5), 8, 1_000_000, 10_000);
        try (DistributionServer server = DistributionServer.start("bench-server", List.of(
                "--spi-session-manager--default--cleanup-initial-delay=PT24H"))) {
            new Benchmark(server, settings, arguments.contains("--profile")).run(String.join(" ", args));
        }
    }

    private static int option(List<String> arguments, String name, int fallback) {
        int index = arguments.indexOf(name);
        return index >= 0 ? Integer.parseInt(arguments.get(index + 1)) : fallback;
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
        for (Map.Entry<String, Object> figure : new NewDeviceSignIns(server, client, settings.round(), settings.rounds())
                .measure().entrySet()) {
            print(figure.getKey(), ((Number) figure.getValue()).doubleValue());
            results.put(figure.getKey(), figure.getValue());
        }
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
            java.util.concurrent.Callable<Boolean>>> operation) throws Exception {
        for (String realm : List.of(ON, OFF)) {
            Load.run(WORKERS, settings.round().multipliedBy(2), worker -> operation.apply(worker).apply(realm));
        }
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            boolean onFirst = round % 2 == 0;
            for (String realm : onFirst ? List.of(ON, OFF) : List.of(OFF, ON)) {
                Load.Stats stats = profiled(name + "-" + realm + "-" + round,
                        () -> Load.run(WORKERS, settings.round(), worker -> operation.apply(worker).apply(realm)));
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
            theirs = profiled("list-keycloak-" + round, () -> Load.run(1, settings.round(),
                    w -> () -> client.get("/realms/" + ON + "/account/sessions", bearer) == 200));
            ours = profiled("list-ours-" + round, () -> Load.run(1, settings.round(),
                    w -> () -> client.get("/realms/" + ON + "/sessions", bearer) == 200));
        }
        double ratio = ours.percentileMillis(50) / theirs.percentileMillis(50);
        print("list_p50_ms", ours.percentileMillis(50));
        print("account_sessions_p50_ms", theirs.percentileMillis(50));
        print("list_p50_ratio", ratio);
        results.put("list_p50_ms", ours.percentileMillis(50));
        results.put("account_sessions_p50_ms", theirs.percentileMillis(50));
        results.put("list_p50_ratio", ratio);
    }

    /**
     * DELETE of all of a user's 200 sessions, per session, beside Keycloak's own DELETE
     * /account/sessions: alternating rounds, medians.
     */
    private void revokeAll() throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            boolean oursFirst = round % 2 == 0;
            for (boolean isOurs : oursFirst ? List.of(true, false) : List.of(false, true)) {
                (isOurs ? ours : theirs).add(isOurs
                        ? revokeAllMillisPerSession("revoker", "/realms/" + ON + "/sessions", "revoke-all-ours-" + round)
                        : revokeAllMillisPerSession("account-revoker", "/realms/" + ON + "/account/sessions?current=true",
                                "revoke-all-keycloak-" + round));
            }
        }
        double ratio = median(ours) / median(theirs);
        print("revoke_all_ms_per_session", median(ours));
        print("account_revoke_all_ms_per_session", median(theirs));
        print("revoke_all_ratio", ratio);
        results.put("revoke_all_ms_per_session", median(ours));
        results.put("account_revoke_all_ms_per_session", median(theirs));
        results.put("revoke_all_ratio", ratio);
    }

    private double revokeAllMillisPerSession(String user, String path, String profileName) throws Exception {
        String bearer = signInTimes(user, 199);
        return profiled(profileName, () -> {
            long t0 = System.nanoTime();
            int status = client.delete(path, bearer);
            double millis = (System.nanoTime() - t0) / 1e6 / 200;
            if (status / 100 != 2) {
                throw new IllegalStateException("DELETE " + path + " failed: " + status);
            }
            return millis;
        });
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
        Load.Stats rest = Load.run(WORKERS, settings.round().multipliedBy(2),
                w -> () -> client.login(ON, "user" + (w % USERS), PASSWORD) != null);
        long t0 = System.nanoTime();
        CompletableFuture<Http.Reply> cleanup = CompletableFuture.supplyAsync(
                () -> seedRealm.admin().post(seedRealm.adminApi() + "/cleanup", "", Duration.ofMinutes(20)));
        Load.Stats during = profiled("cleanup", () -> Load.runWhile(WORKERS, () -> !cleanup.isDone(), Duration.ofMinutes(10),
                w -> () -> client.login(ON, "user" + (w % USERS), PASSWORD) != null));
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

    /**
     * Measures one thing; with --profile, under a JFR recording (Java stacks sampled every
     * millisecond) written to target/bench/{name}.jfr, one file per request kind and round so
     * that ours and Keycloak's can be compared stack by stack.
     */
    private <T> T profiled(String name, java.util.concurrent.Callable<T> measurement) throws Exception {
        if (!profile) {
            return measurement.call();
        }
        Path file = Path.of("target/bench", name + ".jfr").toAbsolutePath();
        Files.createDirectories(file.getParent());
        jcmd("JFR.start", "name=" + name, "settings=profile", "jdk.ExecutionSample#period=1ms", "filename=" + file);
        try {
            return measurement.call();
        } finally {
            jcmd("JFR.stop", "name=" + name);
        }
    }

    private long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("No heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** A diagnostic command to the server's JVM, with the jcmd of the JDK it runs on. */
    private String jcmd(String... arguments) throws IOException, InterruptedException {
        String jcmd = ProcessHandle.of(server.pid()).flatMap(p -> p.info().command())
                .map(java -> Path.of(java).resolveSibling("jcmd").toString()).orElse("jcmd");
        List<String> command = new ArrayList<>(List.of(jcmd, String.valueOf(server.pid())));
        command.addAll(List.of(arguments));
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

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void print(String name, double value) {
        System.out.printf("%-40s %12.3f%n", name, value);
    }

}
