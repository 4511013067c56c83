package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Keycloak distribution, unpacked by Maven into {@code target/}, copied to a fresh
 * folder with the freshly built provider JAR in {@code providers/}, and run as a process on free
 * ports. Started once per test run and stopped at its end, or by a shutdown hook if the run dies.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final Path log;
    private final String baseUrl;
    private final Database database;
    private final Thread shutdownHook;

    private KeycloakServer(Process process, Path log, String baseUrl, Database database) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
        this.database = database;
        this.shutdownHook = new Thread(this::stop, "stop-keycloak");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code kc.sh start-dev} with extra server options, on a fresh database of the kind
     * {@code -Dkeycloak.db} names (the embedded H2 by default).
     */
    public static KeycloakServer start(String name, List<String> options) {
        Path home = prepareHome(name);
        int port = freePort();
        Database database = Database.fresh(Database.kindFromSystemProperty(), home);
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-management-port=" + freePort()));
        command.addAll(database.serverOptions());
        command.addAll(options);
        Path log = home.resolve("keycloak.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Jdk.preferred().ifPresent(javaHome -> builder.environment().put("JAVA_HOME", javaHome.toString()));
        try {
            KeycloakServer server = new KeycloakServer(builder.start(), log, "http://localhost:" + port, database);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String realmUrl(String realm) {
        return baseUrl + "/realms/" + realm;
    }

    public Path log() {
        return log;
    }

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

    private void stop() {
        if (!process.isAlive()) {
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
    private static Path prepareHome(String name) {
        Path dist = Path.of(System.getProperty("keycloak.dist.dir", "target/keycloak-26.7.3"));
        Path jar = Path.of(System.getProperty("provider.jar", ""));
        if (!Files.isDirectory(dist) || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("Run through Maven (mvn verify): need the unpacked distribution "
                    + dist + " and the provider jar " + jar);
        }
        Path home = dist.resolveSibling(name);
        try {
            deleteRecursively(home);
            copyRecursively(dist, home);
            Files.copy(jar, home.resolve("providers").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            home.resolve("bin/kc.sh").toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
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
