package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK a Keycloak version runs on: the newest one on the machine that the version supports
 * (Keycloak recommends the newest; 26.4 does not start on Java 25), from {@code /usr/lib/jvm} and
 * the JDK running the tests. {@code KEYCLOAK_JAVA_HOME} overrides the choice.
 */
final class Jdk {

    private static final Pattern NUMBER = Pattern.compile("(\\d+)");

    private Jdk() {
    }

    /** The JDK home to run {@code keycloakVersion} on, or empty for whatever {@code kc.sh} finds. */
    static Optional<Path> forKeycloak(String keycloakVersion) {
        String explicit = System.getenv("KEYCLOAK_JAVA_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit));
        }
        int newest = newestJava(keycloakVersion);
        return candidates()
                .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                .filter(home -> majorVersion(home) >= 17 && majorVersion(home) <= newest)
                .max(Comparator.comparingInt(Jdk::majorVersion));
    }

    /** The newest Java a Keycloak version supports, per its release notes: 25 from 26.5 on, 21 before. */
    static int newestJava(String keycloakVersion) {
        Matcher numbers = NUMBER.matcher(keycloakVersion);
        int major = numbers.find() ? Integer.parseInt(numbers.group(1)) : 0;
        int minor = numbers.find() ? Integer.parseInt(numbers.group(1)) : 0;
        return major > 26 || (major == 26 && minor >= 5) ? 25 : 21;
    }

    private static Stream<Path> candidates() {
        Stream<Path> running = Stream.of(Path.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return running;
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return Stream.concat(running, homes.toList().stream());
        } catch (IOException e) {
            return running;
        }
    }

    /** From the JDK's {@code release} file: JAVA_VERSION="25.0.1". */
    private static int majorVersion(Path home) {
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> {
                        Matcher m = NUMBER.matcher(line);
                        return m.find() ? Integer.parseInt(m.group(1)) : 0;
                    })
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
