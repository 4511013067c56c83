package io.sessionmanager.keycloak.compat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.common.Version;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SupportedKeycloakTest {

    private final String running = Version.VERSION;

    @AfterEach
    void restoreVersion() {
        Version.VERSION = running;
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.4.0", "26.4.7", "26.5.6", "26.6.0", "26.7.3", "26.7.4-SNAPSHOT"})
    void supportsEveryPatchOf26Point4To26Point7(String version) {
        assertThat(SupportedKeycloak.supports(version)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"25.0.6", "26.3.5", "26.8.0", "27.0.0", "999.0.0-SNAPSHOT", "26", "26.x.1", ""})
    void supportsNothingElse(String version) {
        assertThat(SupportedKeycloak.supports(version)).isFalse();
    }

    @Test
    void supportsNoVersionWhenKeycloakReportsNone() {
        assertThat(SupportedKeycloak.supports(null)).isFalse();
    }

    /**
     * A factory added without {@link OnSupportedKeycloak} or {@link SupportedKeycloak#orderAboveKeycloak}
     * would be registered on any version.
     */
    @Test
    void everyProviderFactoryOfTheJarIsUsedOnlyOnASupportedKeycloak() throws Exception {
        List<ProviderFactory<?>> factories = declaredFactories();
        assertThat(factories).hasSizeGreaterThanOrEqualTo(10);

        Version.VERSION = "26.3.5";
        assertThat(factories).allSatisfy(factory -> assertThat(isUsed(factory)).as(factory.getId()).isFalse());
        Version.VERSION = "26.4.7";
        assertThat(factories).allSatisfy(factory -> assertThat(isUsed(factory)).as(factory.getId()).isTrue());
    }

    /** Registered, or (for one replacing Keycloak's own under its id) ordered above Keycloak's. */
    private static boolean isUsed(ProviderFactory<?> factory) {
        return factory instanceof OnSupportedKeycloak gated ? gated.isSupported(null) : factory.order() > 0;
    }

    /** Every class the JAR's service files name but the SPI itself, as Keycloak's service loader finds them. */
    private static List<ProviderFactory<?>> declaredFactories() throws IOException, ReflectiveOperationException {
        List<ProviderFactory<?>> factories = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("target/classes/META-INF/services"))) {
            for (Path file : files.filter(f -> !f.endsWith(Spi.class.getName())).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        Class<?> factory = Class.forName(line.trim());
                        factories.add((ProviderFactory<?>) factory.getDeclaredConstructor().newInstance());
                    }
                }
            }
        }
        return factories;
    }
}
