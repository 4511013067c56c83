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
 * Keycloak recommends Java 21+; the build itself targets 17. Runs the server on the newest JDK
 * of at least 21 found under /usr/lib/jvm (or {@code KEYCLOAK_JAVA_HOME}), else on the JDK at hand.
 */
final class Jdk {

    private static final Pattern VERSION = Pattern.compile("(\\d+)");

    private Jdk() {
    }

    static Optional<Path> preferred() {
        String explicit = System.getenv("KEYCLOAK_JAVA_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> majorVersion(home) >= 21)
                    .max(Comparator.comparingInt(Jdk::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** From the JDK's {@code release} file: JAVA_VERSION="25.0.1". */
    private static int majorVersion(Path home) {
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> {
                        Matcher m = VERSION.matcher(line);
                        return m.find() ? Integer.parseInt(m.group(1)) : 0;
                    })
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
