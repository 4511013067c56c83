package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A running Keycloak with the extension, as the tests see it: the version {@code -Dkeycloak.version}
 * names (the pom's, 26.7.3, unless told). Where it comes from is chosen with
 * {@code -Dkeycloak.server}: {@code distribution} (the default) runs the unpacked distribution as a
 * process, {@code testcontainers} runs the official image with the built JAR in Docker.
 */
public interface KeycloakServer extends AutoCloseable {

    String ADMIN_USER = "admin";
    String ADMIN_PASSWORD = "admin";

    /** Starts a server from the source {@code -Dkeycloak.server} names, with extra server options. */
    static KeycloakServer start(String name, List<String> options) {
        String source = System.getProperty("keycloak.server", "distribution").toLowerCase(Locale.ROOT);
        return switch (source) {
            case "distribution" -> DistributionServer.start(name, options);
            case "testcontainers" -> ContainerServer.start(options);
            default -> throw new IllegalArgumentException(
                    "keycloak.server must be distribution or testcontainers, not " + source);
        };
    }

    String baseUrl();

    /** Keycloak's management interface: {@code /metrics}, {@code /health}. */
    String managementUrl();

    default String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /** The server's log, for a failing test to show. */
    Path log();

    /** How long the log is now: an offset for {@link #logSince}. */
    default long logLength() {
        return log().toFile().length();
    }

    /** What the server logged after {@code offset} (at most the first 8 MiB of it). */
    default String logSince(long offset) {
        try (RandomAccessFile log = new RandomAccessFile(log().toFile(), "r")) {
            log.seek(offset);
            byte[] logged = new byte[(int) Math.max(0, Math.min(log.length() - offset, 8 << 20))];
            log.readFully(logged);
            return new String(logged, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database Keycloak runs on, for tests that check what was stored. */
    Database database();

    @Override
    void close();
}
