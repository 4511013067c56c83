package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The real Keycloak distribution (the default server source), unpacked by Maven into
 * {@code target/}, copied to a fresh folder with the freshly built provider JAR in
 * {@code providers/}, and run as a process on free ports. Started once per test run and stopped
 * at its end, or by a shutdown hook if the run dies. Also runs restarts and clusters.
 */
public final class DistributionServer implements KeycloakServer {

    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    /**
     * Per Keycloak version, the home of a server this run has started: Keycloak built it (Quarkus
     * augmentation, about 15 s) the first time. The next server of that version starts from a copy
     * of it instead of the unpacked distribution, and Keycloak builds again only if its build-time
     * options differ (it compares them with those it persisted).
     */
    private static final Map<String, Path> BUILT_HOMES = new ConcurrentHashMap<>();
    /** What a built home holds that belongs to its own server, not to the build. */
    private static final Set<String> NOT_COPIED_FROM_A_BUILT_HOME = Set.of("data", "keycloak.log");

    private final ProcessBuilder command;
    private final Path log;
    private final String baseUrl;
    private final String managementUrl;
    private final Database database;
    private final Thread shutdownHook;
    private Process process;

    private DistributionServer(ProcessBuilder command, Path log, String baseUrl, int managementPort,
                               Database database) {
        this.command = command;
        this.log = log;
        this.baseUrl = baseUrl;
        this.managementUrl = "http://localhost:" + managementPort;
        this.database = database;
        this.shutdownHook = new Thread(this::stop, "stop-keycloak");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code kc.sh start-dev} with extra server options, on a fresh database of the kind
     * {@code -Dkeycloak.db} names (the embedded H2 by default).
     */
    public static DistributionServer start(String name, List<String> options) {
        return start(name, Database.kindFromSystemProperty(), options);
    }

    /** Starts {@code kc.sh start-dev} on a fresh database of the given kind. */
    public static DistributionServer start(String name, String databaseKind, List<String> options) {
        return start(Distributions.version(), prepareHome(Distributions.version(), name), databaseKind, options);
    }

    /** As {@link #start(String, String, List)}, on a database made from the server's home (such as one reached through a relay). */
    public static DistributionServer start(String name, java.util.function.Function<Path, Database> database,
                                           List<String> options) {
        String version = Distributions.version();
        return start(version, prepareHome(version, name), database, options);
    }

    /** Another Keycloak version than the suite's, with the extension, on the embedded H2. */
    public static DistributionServer startVersion(String version, String name, List<String> options) {
        return start(version, prepareHome(version, name), "h2", options);
    }

    /** Plain Keycloak, without the extension, on the embedded H2: what the benchmark compares against. */
    public static DistributionServer startWithoutExtension(String name, List<String> options) {
        String version = Distributions.version();
        Path home = copyHome(Distributions.unpacked(version), name);
        DistributionServer server = start(version, home, "h2", options);
        // Built without the provider: a server with it would have to build again from this home.
        BUILT_HOMES.remove(version, home);
        return server;
    }

    private static DistributionServer start(String version, Path home, String databaseKind, List<String> options) {
        return start(version, home, h -> Database.fresh(databaseKind, h), options);
    }

    private static DistributionServer start(String version, Path home, java.util.function.Function<Path, Database> fresh,
                                            List<String> options) {
        int port = freePort();
        int managementPort = freePort();
        Database database = fresh.apply(home);
        List<String> arguments = new ArrayList<>(List.of("start-dev",
                "--http-port=" + port, "--http-management-port=" + managementPort));
        arguments.addAll(database.serverOptions());
        arguments.addAll(options);
        DistributionServer server = new DistributionServer(command(version, home, arguments),
                home.resolve("keycloak.log"), "http://localhost:" + port, managementPort, database);
        server.launch();
        server.awaitReady();
        BUILT_HOMES.putIfAbsent(version, home);
        return server;
    }

    /**
     * Starts a cluster the way production runs one: {@code kc.sh start} nodes with Infinispan
     * ({@code --cache=ispn}), one fresh PostgreSQL database through which they find each other
     * (Keycloak's default JDBC_PING stack), distinct ports, and one {@code --hostname}, the address
     * a load balancer in front of them would have (here the first node's), so that tokens issued
     * by one node are valid on the others. The distribution is built once for all nodes, which
     * then start one after the other.
     */
    public static List<DistributionServer> startCluster(String name, int nodes, List<String> options) {
        String version = Distributions.version();
        Path built = prepareHome(version, name + "-build");
        Database database = Database.fresh("postgres", built);
        List<String> buildOptions = new ArrayList<>(List.of("build", "--cache=ispn"));
        buildOptions.addAll(database.serverOptions().stream().filter(o -> o.startsWith("--db=")).toList());
        run(command(version, built, buildOptions), built.resolve("build.log"));
        int[] ports = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            ports[i] = freePort();
        }
        String hostname = "http://localhost:" + ports[0];
        List<DistributionServer> cluster = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Path home = copyHome(built, name + "-" + (char) ('a' + i));
            int managementPort = freePort();
            List<String> arguments = new ArrayList<>(List.of("start", "--optimized", "--http-enabled=true",
                    "--http-port=" + ports[i], "--http-management-port=" + managementPort, "--hostname=" + hostname));
            arguments.addAll(database.serverOptions().stream().filter(o -> !o.startsWith("--db=")).toList());
            arguments.addAll(options);
            DistributionServer node = new DistributionServer(command(version, home, arguments),
                    home.resolve("keycloak.log"), "http://localhost:" + ports[i], managementPort, database);
            // One after the other, as a rollout does: the first node creates Keycloak's schema alone.
            node.launch();
            node.awaitReady();
            cluster.add(node);
        }
        return cluster;
    }

    /** Stops the server and starts it again on the same ports and database. */
    public void restart() {
        stop();
        startAgain();
    }

    /** Kills the server as a crash or an out-of-memory killer would: SIGKILL, no shutdown at all. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the server again after {@link #stop} or {@link #kill}, on the same ports and database. */
    public void startAgain() {
        launch();
        awaitReady();
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public String managementUrl() {
        return managementUrl;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public Database database() {
        return database;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stop();
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }

    private static ProcessBuilder command(String version, Path home, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Jdk.forKeycloak(version).ifPresent(javaHome -> builder.environment().put("JAVA_HOME", javaHome.toString()));
        return builder;
    }

    private static void run(ProcessBuilder command, Path log) {
        try {
            Process process = command.redirectOutput(log.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(command.command() + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void launch() {
        try {
            process = command.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server the way an orchestrator would: SIGTERM and Keycloak's graceful shutdown, killed after 30 s. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(realmUrl("master") + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(Duration.ofMillis(500));
        }
        stop();
        throw new IllegalStateException("Keycloak did not become ready in " + BOOT_TIMEOUT + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A fresh copy of the unpacked distribution with the provider JAR, so each run starts clean. */
    private static Path prepareHome(String version, String name) {
        Path jar = Path.of(System.getProperty("provider.jar", ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Run through Maven (mvn verify): need the provider jar " + jar);
        }
        Path built = BUILT_HOMES.get(version);
        Path home = built == null || built.equals(Distributions.unpacked(version).resolveSibling(name))
                ? copyHome(Distributions.unpacked(version), name) : copyBuiltHome(built, name);
        try {
            // Its time is kept: Keycloak builds again when a provider's time differs from the one it built with.
            Files.copy(jar, home.resolve("providers").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    private static Path copyHome(Path from, String name) {
        return copyHome(from, name, path -> true);
    }

    /** A copy of a home Keycloak has built, without its server's database and log. */
    private static Path copyBuiltHome(Path built, String name) {
        return copyHome(built, name, path -> !NOT_COPIED_FROM_A_BUILT_HOME.contains(path.getName(0).toString()));
    }

    private static Path copyHome(Path from, String name, Predicate<Path> copied) {
        Path home = from.resolveSibling(name);
        try {
            deleteRecursively(home);
            copyRecursively(from, home, copied);
            home.resolve("bin/kc.sh").toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    /**
     * Copies what {@code copied} accepts, given each path relative to {@code from}, without entering
     * a folder it refuses: a running server's database files come and go while its home is copied.
     */
    private static void copyRecursively(Path from, Path to, Predicate<Path> copied) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!copied.test(from.relativize(dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (copied.test(from.relativize(file))) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
