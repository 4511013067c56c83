package io.sessionmanager.keycloak.it.support;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Choosing the container source on a machine without Docker fails at once, and says why. */
class ContainerServerTest {

    @Test
    void withoutDockerTheContainerSourceFailsFastWithAClearMessage() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "Docker is available here");
        String previous = System.setProperty("keycloak.server", "testcontainers");
        try {
            assertThatThrownBy(() -> KeycloakServer.start("unused", List.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs a running Docker engine");
        } finally {
            if (previous == null) {
                System.clearProperty("keycloak.server");
            } else {
                System.setProperty("keycloak.server", previous);
            }
        }
    }
}
