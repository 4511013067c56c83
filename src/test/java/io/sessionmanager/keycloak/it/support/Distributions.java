package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Keycloak server archives Maven copied to {@code target/distributions}, unpacked with
 * {@code tar} beside them the first time a version is needed. Which version the suite runs is
 * {@code -Dkeycloak.version}.
 */
public final class Distributions {

    private Distributions() {
    }

    /** The version the suite runs against: {@code -Dkeycloak.version}. */
    public static String version() {
        return System.getProperty("keycloak.version", "26.7.3");
    }

    /** The unpacked distribution of {@code version}. */
    public static synchronized Path unpacked(String version) {
        Path archives = Path.of(System.getProperty("keycloak.distributions.dir", "target/distributions"));
        Path home = archives.resolve("keycloak-" + version);
        if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path archive = archives.resolve("keycloak-quarkus-dist-" + version + ".tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Run through Maven (mvn verify), which copies " + archive
                    + "; a version outside the pom's list needs its archive there");
        }
        untar(archive, archives);
        return home;
    }

    private static void untar(Path archive, Path into) {
        try {
            Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", into.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new IllegalStateException("tar could not unpack " + archive + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
