package io.sessionmanager.keycloak.it.support;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.testcontainers.DockerClientFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The official {@code quay.io/keycloak/keycloak} image of the suite's version ({@code -Dkeycloak.version})
 * with the built provider JAR, run by
 * testcontainers-keycloak: the path for machines with Docker ({@code -Dkeycloak.server=testcontainers}).
 * Without a Docker engine it fails at once rather than skipping tests silently. Its database is
 * the embedded one inside the container, so tests that read the database directly need the
 * distribution source.
 */
final class ContainerServer implements KeycloakServer {

    static final String IMAGE = "quay.io/keycloak/keycloak:" + Distributions.version();

    private final KeycloakContainer container;
    private final Path log;

    private ContainerServer(KeycloakContainer container, Path log) {
        this.container = container;
        this.log = log;
    }

    static ContainerServer start(List<String> options) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-Dkeycloak.server=testcontainers needs a running Docker engine, and none"
                    + " answers here. Run without it to test against the Keycloak distribution as a process.");
        }
        Path jar = Path.of(System.getProperty("provider.jar", ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Run through Maven (mvn verify): need the provider jar " + jar);
        }
        KeycloakContainer container = new KeycloakContainer(IMAGE)
                .withAdminUsername(ADMIN_USER)
                .withAdminPassword(ADMIN_PASSWORD)
                .withProviderLibsFrom(List.<File>of(jar.toFile()));
        options.forEach(container::withCustomCommand);
        container.start();
        return new ContainerServer(container, jar.resolveSibling("keycloak-container.log"));
    }

    @Override
    public String baseUrl() {
        return container.getAuthServerUrl().replaceAll("/$", "");
    }

    @Override
    public String managementUrl() {
        return container.getMgmtServerUrl().replaceAll("/$", "");
    }

    @Override
    public Path log() {
        try {
            return Files.writeString(log, container.getLogs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Database database() {
        throw new UnsupportedOperationException("This test reads Keycloak's database directly, which runs inside the"
                + " container; run it with the distribution (without -Dkeycloak.server=testcontainers)");
    }

    @Override
    public void close() {
        container.stop();
    }
}
