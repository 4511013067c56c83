package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.alert.LinkBase;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * docs/openapi.yaml as a realm serves it: its server is this Keycloak as the realm's users reach it
 * and its {@code realm} parameter defaults to the realm, so a client generated from it, or "try it
 * out" in an OpenAPI viewer, calls this realm.
 */
final class ServedOpenApi {

    static final String DOCUMENT = "openapi.yaml";
    private static final String DEMO_SERVER = """
            servers:
              - url: http://localhost:8080
                description: bin/demo
            """;
    private static final String REALM_SCHEMA = """
                realm:
                  name: realm
                  in: path
                  required: true
                  schema: {type: string}
            """;

    private ServedOpenApi() {
    }

    /**
     * The realm's configured address (its Frontend URL, or the server's hostname); without one, the
     * server's path alone ("/", "/auth"), which a viewer resolves against where it read the document.
     * Never the request's Host header: the document is public and may be cached, and "try it out"
     * sends a token to its server.
     */
    static URI server(KeycloakSession session, RealmModel realm) {
        URI configured = LinkBase.of(session, realm);
        return configured != null ? configured : URI.create(session.getContext().getUri().getBaseUri().getRawPath());
    }

    static String forRealm(URI serverBase, String realm) {
        return forRealm(RepositoryDocument.TEXT, serverBase, realm);
    }

    static String forRealm(String document, URI serverBase, String realm) {
        String base = serverBase.toString().replaceAll("(?<=.)/+$", "");
        return replaceOnce(replaceOnce(document, DEMO_SERVER, """
                servers:
                  - url: %s
                    description: this Keycloak
                """.formatted(quoted(base))), REALM_SCHEMA,
                REALM_SCHEMA.replace("schema: {type: string}", "schema: {type: string, default: %s}".formatted(quoted(realm))));
    }

    /** The document as built into the JAR, read once, when first served. */
    private static final class RepositoryDocument {
        static final String TEXT = read();

        private static String read() {
            try (InputStream in = ServedOpenApi.class.getResourceAsStream(DOCUMENT)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A document that no longer has the block fails loudly here and in the unit test, not silently. */
    private static String replaceOnce(String document, String block, String replacement) {
        if (!document.contains(block)) {
            throw new IllegalStateException("openapi.yaml lacks the block to fill in: " + block.strip());
        }
        return document.replace(block, replacement);
    }

    /** A JSON string, which YAML reads as a double-quoted scalar: realm names may hold anything. */
    private static String quoted(String value) {
        try {
            return JsonSerialization.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
