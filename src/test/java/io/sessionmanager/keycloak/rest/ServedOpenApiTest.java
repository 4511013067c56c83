package io.sessionmanager.keycloak.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import java.net.URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServedOpenApiTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theServerIsTheBaseWithoutATrailingSlashAndTheRealmTheParametersDefault() throws Exception {
        JsonNode served = YAML.readTree(ServedOpenApi.forRealm(URI.create("https://sso.example.org/auth/"), "acme"));

        assertThat(served.at("/servers").size()).isEqualTo(1);
        assertThat(served.at("/servers/0/url").asText()).isEqualTo("https://sso.example.org/auth");
        assertThat(served.at("/components/parameters/realm/schema/default").asText()).isEqualTo("acme");
    }

    @Test
    void aServerPathAloneStaysAPath() throws Exception {
        assertThat(YAML.readTree(ServedOpenApi.forRealm(URI.create("/"), "acme")).at("/servers/0/url").asText())
                .isEqualTo("/");
        assertThat(YAML.readTree(ServedOpenApi.forRealm(URI.create("/auth/"), "acme")).at("/servers/0/url").asText())
                .isEqualTo("/auth");
    }

    @Test
    void aRealmNameYamlWouldReadOtherwiseStaysItself() throws Exception {
        String name = "a: \"b\" # c\\\n\t\u0007é";

        JsonNode served = YAML.readTree(ServedOpenApi.forRealm(URI.create("http://localhost:8080"), name));

        assertThat(served.at("/components/parameters/realm/schema/default").asText()).isEqualTo(name);
    }

    @Test
    void aDocumentWithoutTheBlocksFailsLoudly() {
        assertThatThrownBy(() -> ServedOpenApi.forRealm("openapi: 3.1.0\n", URI.create("http://localhost"), "acme"))
                .isInstanceOf(IllegalStateException.class);
    }
}
