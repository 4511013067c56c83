package io.sessionmanager.keycloak.it.support;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract check itself: it must refuse what drifted from the document, not only pass what matches. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

    private static final String JSON = "application/json";
    private static final String SESSION = """
            {"id":"6f1c2b1e-8d1a-4c1e-9f3e-2a1b3c4d5e6f","current":true,"type":"ONLINE","status":"ACTIVE",
             "deviceInfo":"Firefox on Linux","device":{"browser":"Firefox","os":"Linux","osVersion":null,
             "device":null,"mobile":false},"userAgent":"Mozilla/5.0","ipAddress":"127.0.0.1",
             "lastIpAddress":"127.0.0.1","clients":["app"],"createdAt":"2026-12-02T10:00:00Z",
             "lastActive":"2026-12-02T10:05:00Z","idleExpiresAt":null,"expiresAt":null,"endedAt":null,
             "endReason":null,"newDevice":false}""";

    private OpenApiContract contract;

    @BeforeAll
    void load() throws IOException {
        contract = OpenApiContract.load(Path.of("docs/openapi.yaml"));
    }

    @Test
    void aSessionAsDocumentedPasses() {
        assertThat(check(SESSION).problems()).isEmpty();
    }

    @Test
    void aFieldTheDocumentDoesNotNameFails() {
        assertThat(check(SESSION.replace("\"newDevice\":false", "\"newDevice\":false,\"secret\":1")).problems())
                .isNotEmpty();
    }

    @Test
    void aMissingRequiredFieldFails() {
        assertThat(check(SESSION.replace("\"current\":true,", "")).problems()).isNotEmpty();
    }

    @Test
    void aBadFormatFails() {
        assertThat(check(SESSION.replace("2026-12-02T10:05:00Z", "yesterday")).problems()).isNotEmpty();
    }

    @Test
    void anUndocumentedStatusOrOperationFails() {
        assertThat(contract.check("GET", "/realms/r/sessions/history", 418, JSON, "{}").problems()).isNotEmpty();
        assertThat(contract.check("PATCH", "/realms/r/sessions", 200, JSON, "[]").problems()).isNotEmpty();
    }

    @Test
    void anErrorWithoutItsDescriptionFails() {
        assertThat(contract.check("GET", "/realms/r/sessions", 401, JSON, "{\"error\":\"invalid_token\"}").problems())
                .isNotEmpty();
        assertThat(contract.check("GET", "/realms/r/sessions", 401, JSON,
                "{\"error\":\"invalid_token\",\"error_description\":\"expired\"}").problems()).isEmpty();
    }

    @Test
    void aLiteralPathIsNotTakenForASessionId() {
        assertThat(contract.check("GET", "/realms/r/sessions/history", 200, JSON, "[" + SESSION + "]").response())
                .isEqualTo("GET /realms/{realm}/sessions/history 200");
    }

    private OpenApiContract.Check check(String session) {
        return contract.check("GET", "/realms/r/sessions/6f1c2b1e-8d1a-4c1e-9f3e-2a1b3c4d5e6f", 200, JSON, session);
    }
}
