package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.ApiLinkage;
import io.sessionmanager.keycloak.it.support.Distributions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JAR is compiled against the oldest supported Keycloak; on every supported version, each
 * Keycloak class, method and field it uses exists, and each Keycloak method it overrides is still
 * the one Keycloak calls. The booted suites exercise the paths; this covers every call site.
 */
class KeycloakApiIT {

    private static final ApiLinkage JAR = new ApiLinkage(Path.of("target/classes"));

    static Stream<String> supportedVersions() {
        return Arrays.stream(System.getProperty("keycloak.supported.versions", Distributions.version()).split(","));
    }

    @ParameterizedTest
    @MethodSource("supportedVersions")
    void everyKeycloakApiTheJarUsesIsThere(String version) {
        assertThat(JAR.problemsOn(Distributions.unpacked(version), KeycloakApiIT.class.getClassLoader())).isEmpty();
    }
}
