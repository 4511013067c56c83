package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * docs/openapi.yaml as a contract real replies are checked against: the operation a request names,
 * the status it got among the operation's documented ones, the body valid against the documented
 * schema (OpenAPI 3.1's JSON Schema dialect, formats asserted). It remembers which documented
 * responses were seen, so a test can require that every one of them was.
 */
public final class OpenApiContract {

    /** Where the schema validator finds the document; never fetched. */
    private static final String DOCUMENT_URI = "https://session-manager.invalid/openapi.yaml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final List<Operation> operations = new ArrayList<>();
    private final Set<String> seen = new ConcurrentSkipListSet<>();

    private record Operation(String method, String template, Pattern path, JsonNode node) {
    }

    /** Checked on each reply: each is a problem the reply has with the document. */
    public record Check(String response, List<String> problems) {
    }

    private OpenApiContract(String yaml) throws IOException {
        document = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        String json = new ObjectMapper().writeValueAsString(document);
        schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), builder -> builder
                .schemas(Map.of(DOCUMENT_URI, json))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        document.path("paths").properties().forEach(path -> path.getValue().properties().stream()
                .filter(method -> METHODS.contains(method.getKey()))
                .forEach(method -> operations.add(new Operation(method.getKey().toUpperCase(), path.getKey(),
                        template(path.getKey()), method.getValue()))));
        // A literal segment wins over a parameter, as in JAX-RS: /sessions/history before /sessions/{id}.
        operations.sort(Comparator.comparingLong((Operation o) -> o.template().chars().filter(c -> c == '{').count()));
    }

    /** The document, after OpenAPI's own parser found nothing wrong with it. */
    public static OpenApiContract load(Path file) throws IOException {
        String yaml = Files.readString(file);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        if (parsed.getOpenAPI() == null || !parsed.getMessages().isEmpty()) {
            throw new IllegalStateException(file + " is not a valid OpenAPI document: " + parsed.getMessages());
        }
        return new OpenApiContract(yaml);
    }

    /** Checks a reply to {@code method} on {@code path} (below the server's base URL, query left out). */
    public Check check(String method, String path, Http.Reply reply) {
        return check(method, path, reply.status(), reply.header("Content-Type"), reply.body());
    }

    /** As {@link #check(String, String, Http.Reply)}, with the reply in parts. */
    public Check check(String method, String path, int status, String contentType, String body) {
        Optional<Operation> operation = operations.stream()
                .filter(o -> o.method().equals(method) && o.path().matcher(path).matches())
                .findFirst();
        if (operation.isEmpty()) {
            return new Check(method + " " + path, List.of("no such operation in the document"));
        }
        String response = operation.get().method() + " " + operation.get().template() + " " + status;
        String pointer = "/paths/" + escape(operation.get().template()) + "/" + operation.get().method().toLowerCase()
                + "/responses/" + status;
        JsonNode ref = document.at(pointer).path("$ref");
        if (ref.isTextual()) {
            pointer = ref.asText().substring(1);
        }
        if (document.at(pointer).isMissingNode()) {
            return new Check(response, List.of("status not documented; body: " + body));
        }
        seen.add(response);
        return new Check(response, bodyProblems(pointer, contentType, body));
    }

    /** What is wrong with a reply's body as the response at {@code pointer} describes it. */
    private List<String> bodyProblems(String pointer, String contentType, String body) {
        JsonNode content = document.at(pointer + "/content");
        if (content.isMissingNode()) {
            return body.isEmpty() ? List.of() : List.of("documented without a body, got: " + body);
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!content.has(mediaType)) {
            return List.of("content type " + contentType + " not documented");
        }
        if (!mediaType.equals("application/json")) {
            return List.of();
        }
        String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
        Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + uriFragment(schemaPointer)));
        return schema.validate(body, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /** Every response the document describes, as "METHOD /template status". */
    public Set<String> documented() {
        Set<String> all = new TreeSet<>();
        for (Operation operation : operations) {
            operation.node().path("responses").fieldNames().forEachRemaining(status ->
                    all.add(operation.method() + " " + operation.template() + " " + status));
        }
        return all;
    }

    /** The documented responses some checked reply was. */
    public Set<String> seen() {
        return new TreeSet<>(seen);
    }

    /** A key as a JSON pointer token. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** Path templates hold braces, which a URI fragment may not. */
    private static String uriFragment(String pointer) {
        return pointer.replace("{", "%7B").replace("}", "%7D");
    }

    private static Pattern template(String template) {
        return Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
    }
}
