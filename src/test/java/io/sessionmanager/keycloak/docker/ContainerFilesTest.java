package io.sessionmanager.keycloak.docker;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs on the build machines, so the container files are checked for what can
 * be checked without one: that they agree with the Maven build, the README and each other.
 */
class ContainerFilesTest {

    private static final Path DOCKER = Path.of("docker");

    @Test
    void dockerfileBakesThisProjectsJarIntoTheSameKeycloakVersion() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        String pom = Files.readString(Path.of("pom.xml"));

        assertThat(dockerfile).contains("FROM quay.io/keycloak/keycloak:" + property(pom, "keycloak.version"));
        assertThat(dockerfile).contains("target/" + tag(pom, "artifactId") + "-*.jar /opt/keycloak/providers/");
        assertThat(dockerfile).contains("kc.sh build").contains("USER 1000").contains("\"--optimized\"");
    }

    @Test
    void composeRunsThatImageOnPostgresWithTheDemoRealm() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        Map<String, Object> services = map(compose.get("services"));
        Map<String, Object> keycloak = map(services.get("keycloak"));
        Map<String, Object> postgres = map(services.get("postgres"));
        Map<String, Object> build = map(keycloak.get("build"));
        Map<String, Object> environment = map(keycloak.get("environment"));
        Map<String, Object> postgresEnvironment = map(postgres.get("environment"));

        assertThat(DOCKER.resolve(build.get("context").toString()).resolve(build.get("dockerfile").toString()))
                .isRegularFile()
                .hasSameTextualContentAs(DOCKER.resolve("Dockerfile"));
        assertThat(strings(keycloak.get("command"))).contains("--import-realm", "--optimized");
        assertThat(strings(keycloak.get("ports"))).contains("8080:8080");
        assertThat(environment.get("KC_DB_URL").toString())
                .isEqualTo("jdbc:postgresql://postgres:5432/" + postgresEnvironment.get("POSTGRES_DB"));
        assertThat(environment.get("KC_DB_USERNAME")).isEqualTo(postgresEnvironment.get("POSTGRES_USER"));
        assertThat(environment.get("KC_DB_PASSWORD")).isEqualTo(postgresEnvironment.get("POSTGRES_PASSWORD"));
        assertThat(environment).containsKeys("KC_BOOTSTRAP_ADMIN_USERNAME", "KC_BOOTSTRAP_ADMIN_PASSWORD", "KC_HOSTNAME");

        for (Object volume : (List<?>) keycloak.get("volumes")) {
            String source = volume.toString().split(":")[0];
            assertThat(DOCKER.resolve(source)).as("mounted file " + source).isRegularFile();
        }
    }

    @Test
    void theReadmeNamesTheComposeCommand() throws IOException {
        assertThat(Files.readString(Path.of("README.md"))).contains("docker compose -f docker/compose.yaml up --build");
    }

    private static List<String> strings(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(Object::toString).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static String property(String pom, String name) {
        return tag(pom, name);
    }

    /** The first value of an element in the POM. */
    private static String tag(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as(name + " in pom.xml").isTrue();
        return m.group(1);
    }
}
