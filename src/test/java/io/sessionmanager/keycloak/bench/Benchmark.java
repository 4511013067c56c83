package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.TestRealm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Figures figures = new Figures();
    private TestRealm on;
    private TestRealm seedRealm;

    /**
     * How long and how much: the defaults take about half an hour; --quick is a smoke run. Many
     * short alternating rounds cancel the machine's drift better than a few long ones.
     */
    record Settings(Duration round, int rounds, int otherRows, int sessionsForMemory, boolean quick, Set<String> only) {
    }

    private Benchmark(DistributionServer server, Settings settings, boolean profile) {
        this.server = server;
        this.client = new BenchClient(server.baseUrl());
        this.settings = settings;
        this.profile = profile;
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        int onlyIndex = arguments.indexOf("--only");
        Set<String> only = onlyIndex < 0 ? Set.of() : Set.of(arguments.get(onlyIndex + 1).split(","));
        if (arguments.contains("--race")) {
            boolean quick = arguments.contains("--quick");
            RaceBenchmark.run(quick, option(arguments, "--rounds", quick ? 20 : 100), only, String.join(" ", args));
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
                ? new Settings(Duration.ofSeconds(3), 2, 100_000, 1_000, true, only)
                : new Settings(Duration.ofSeconds(5), 8, 1_000_000, 10_000, false, only);
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
        if (includes("login")) {
            ratio("login", worker -> {
                String user = "user" + (worker % USERS);
                return realm -> () -> client.login(realm, user, PASSWORD) != null;
            });
        }
        if (includes("refresh")) {
            ratio("refresh", worker -> {
                Map<String, String> tokens = new LinkedHashMap<>();
                String user = "user" + (worker % USERS);
                return realm -> () -> client.refresh(realm, tokens.computeIfAbsent(realm, r -> refreshToken(r, user))) != null;
            });
        }
        if (includes("new-device")) {
            newDeviceSignIns();
        }
        if (includes("list") || includes("cleanup")) {
            seedOtherRows(settings.otherRows());
            SeededRows.gatherStatistics(server.database());
        }
        if (includes("list")) {
            listing();
        }
        if (includes("revoke-all")) {
            revokeAll();
        }
        if (includes("cleanup")) {
            cleanup();
        }
        if (includes("memory")) {
            memory();
        }
        if (includes("scale")) {
            new Scale(server, client, figures, settings.quick()).measure();
        }
        figures.record("machine", machine());
        figures.record("command", "bench/run " + args);
        Path out = Path.of("target/bench/results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures.results()));
        System.out.println("results: " + out.toAbsolutePath());
    }

    /** Whether the run measures this figure: all of them unless --only names some. */
    private boolean includes(String figure) {
        return settings.only().isEmpty() || settings.only().contains(figure);
    }

    private void newDeviceSignIns() throws Exception {
        new NewDeviceSignIns(server, client, settings.round(), settings.rounds()).measure(figures);
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
    private void ratio(String name, java.util.function.IntFunction<java.util.function.Function<String,
            java.util.concurrent.Callable<Boolean>>> operation) throws Exception {
        for (String realm : List.of(ON, OFF)) {
            Load.run(WORKERS, settings.round().multipliedBy(2), worker -> operation.apply(worker).apply(realm));
        }
        Rounds on = new Rounds();
        Rounds off = new Rounds();
        for (int round = 0; round < settings.rounds(); round++) {
            boolean onFirst = round % 2 == 0;
            for (String realm : onFirst ? List.of(ON, OFF) : List.of(OFF, ON)) {
                Load.Stats stats = profiled(name + "-" + realm + "-" + round,
                        () -> Load.run(WORKERS, settings.round(), worker -> operation.apply(worker).apply(realm)));
                (realm.equals(ON) ? on : off).add(stats.perSecond());
            }
        }
        figures.put(name + "_per_s_on", on);
        figures.put(name + "_per_s_off", off);
        figures.ratio(name + "_ratio", on, off);
    }

    private String refreshToken(String realm, String user) {
        try {
            return client.login(realm, user, PASSWORD).path("refresh_token").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of other users, ended long ago, for the list to be measured beside and the cleanup to delete. */
    private void seedOtherRows(int count) throws SQLException {
        seedRealm = TestRealm.create(server, "bench-seed");
        long start = System.nanoTime();
        SeededRows.seed(server.database(), seedRealm.id(), 1, count,
                System.currentTimeMillis() - Duration.ofDays(60).toMillis());
        figures.put("seeded_rows", count);
        figures.put("seed_seconds", (System.nanoTime() - start) / 1e9);
        figures.record("seed_realm_id", seedRealm.id());
    }

    /** p50 of our list beside Keycloak's own and the floor under both, for a user with 20 sessions. */
    private void listing() throws Exception {
        ListRounds.measure(client, ON, signInTimes("lister", 19), settings.round(), settings.rounds(), "", figures,
                this::profiled);
    }

    /**
     * DELETE of all of a user's 200 sessions, per session, beside Keycloak's own DELETE
     * /account/sessions: alternating rounds, medians.
     */
    private void revokeAll() throws Exception {
        Rounds ours = new Rounds();
        Rounds theirs = new Rounds();
        for (int round = 0; round < 3; round++) {
            boolean oursFirst = round % 2 == 0;
            for (boolean isOurs : oursFirst ? List.of(true, false) : List.of(false, true)) {
                (isOurs ? ours : theirs).add(isOurs
                        ? revokeAllMillisPerSession("revoker", "/realms/" + ON + "/sessions", "revoke-all-ours-" + round)
                        : revokeAllMillisPerSession("account-revoker", "/realms/" + ON + "/account/sessions?current=true",
                                "revoke-all-keycloak-" + round));
            }
        }
        figures.put("revoke_all_ms_per_session", ours);
        figures.put("account_revoke_all_ms_per_session", theirs);
        figures.ratio("revoke_all_ratio", ours, theirs);
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
        CleanupUnderLoad.measure(seedRealm, w -> () -> client.login(ON, "user" + (w % USERS), PASSWORD) != null,
                settings.round().multipliedBy(2), "", figures, this::profiled);
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
        figures.put("heap_mb_per_10k_sessions_listener_off", (off - base) / 1e6 * 10_000 / n);
        figures.put("heap_mb_per_10k_sessions_listener_on", (on - off) / 1e6 * 10_000 / n);
        figures.put("memory_mb_per_10k_sessions", perTenThousand);
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



}
