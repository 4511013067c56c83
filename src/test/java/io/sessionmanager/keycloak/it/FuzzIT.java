package io.sessionmanager.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.RawHttp;
import io.sessionmanager.keycloak.it.support.RequestFuzzer;
import io.sessionmanager.keycloak.it.support.RequestFuzzer.Api;
import io.sessionmanager.keycloak.it.support.RequestFuzzer.Case;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated requests to both APIs ({@link RequestFuzzer}): random and hostile paths,
 * ids, parameters, methods, headers, bodies, and tokens of every kind. None may get a {@code 5xx},
 * a stack trace, an answer without the SPEC's JSON error, or another user's data; the bystander's
 * sessions survive all of it. {@code -Dfuzz.count} and {@code -Dfuzz.seed} repeat or widen a run.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzIT {

    private static final int COUNT = Integer.getInteger("fuzz.count", 2000);
    private static final long SEED = Long.getLong("fuzz.seed", System.currentTimeMillis());
    private static final String ADMIN = "admin of fuzz-admin";
    private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> KNOWN_REALMS = Set.of("fuzz", "fuzz-admin", "master");
    private static final Set<String> ADMITTED_BY_ADMIN_LAYER = Set.of("ann", "ann offline");
    /** RFC 3986's characters allowed in a request's path and query, with every {@code %} starting an escape. */
    private static final Pattern VALID_TARGET = Pattern.compile("(?:[A-Za-z0-9._~:/?@!$&'()*+,;=-]++|%[0-9A-Fa-f]{2})*+");
    /** Header values Keycloak's HTTP layer takes: printable ASCII and tabs. */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E\\t]*+");
    /** What Keycloak's {@code InvalidQueryParameterFilter} blocks: an escaped control character but tab, LF, CR. */
    private static final Pattern CONTROL_CHARACTER = Pattern.compile("\\?.*%(0[0-8BCEFbcef]|1[0-9A-Fa-f])");

    private KeycloakServer server;
    private TestRealm realm;
    private TestRealm adminRealm;
    private final Map<String, String> credentials = new TreeMap<>();
    private final List<String> sessionIds = new ArrayList<>();
    private int keycloaksOwnServerErrors;
    private String bobId;
    private String carlId;
    private Tokens bob;
    private List<String> bobSessionIds;

    @BeforeAll
    void setUp(KeycloakServer server) throws Exception {
        this.server = server;
        realm = TestRealm.create(server, "fuzz");
        adminRealm = TestRealm.create(server, "fuzz-admin");
        realm.createUser("ann");
        bobId = realm.createUser("bob");
        adminRealm.createUser("ann");
        carlId = adminRealm.createUser("carl");
        adminRealm.login("carl");
        adminRealm.grantRealmManagementRoles(adminRealm.createUser("dora"), "view-users", "manage-users", "view-realm",
                "manage-realm", "query-users");
        bob = realm.login("bob");
        realm.loginOffline("bob");
        bobSessionIds = list(realm, bob).stream().map(s -> s.path("id").asText()).toList();
        realm.admin().mustPost("/fuzz/clients", Map.of("clientId", "short-lived", "publicClient", true,
                "directAccessGrantsEnabled", true, "attributes", Map.of("access.token.lifespan", "1")));
        realm.admin().mustPost("/fuzz/clients", Map.of("clientId", "narrow", "publicClient", true,
                "directAccessGrantsEnabled", true, "fullScopeAllowed", false));
        fixedCredentials();
        signIn();
    }

    @Test
    void thousandsOfRandomAndHostileRequestsGetNoServerErrorAndNoOneElsesData() throws IOException {
        System.out.printf("FuzzIT: seed %d, %d requests (-Dfuzz.seed=%d -Dfuzz.count=%d repeats this run)%n",
                SEED, COUNT, SEED, COUNT);
        long logBefore = Files.size(server.log());
        RequestFuzzer fuzzer = new RequestFuzzer(SEED, targets());
        Map<String, String> failures = new TreeMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < COUNT; i++) {
            Case request = fuzzer.next();
            RawHttp.Response reply = RawHttp.send(server.baseUrl(), request.request());
            statuses.merge(request.api() + " " + reply.status(), 1, Integer::sum);
            String problem = problem(request, reply);
            if (problem != null) {
                failures.putIfAbsent(problem + " " + request.api() + " " + reply.status() + " " + abbreviate(reply.body()),
                        "seed " + SEED + ", " + request + "\n-> " + reply.status() + " " + reply.headers()
                        + "\n" + abbreviate(reply.body()) + "\n" + problem);
            }
            if (reply.status() / 100 == 2 && !request.request().method().equals("GET")) {
                signIn();
            }
        }
        System.out.println("FuzzIT: answers by API and status " + statuses + "; Keycloak's own 5xx before the extension: "
                + keycloaksOwnServerErrors);

        assertThat(failures).as(String.join("\n\n", failures.values())).isEmpty();
        assertThat(list(realm, bob)).extracting(s -> s.path("id").asText()).containsExactlyInAnyOrderElementsOf(bobSessionIds);
        assertThat(realm.refresh(bob.refreshToken()).status()).isEqualTo(200);
        assertThat(serverErrorsSince(logBefore)).isEmpty();
    }

    /** What is wrong with an answer, or null. */
    private String problem(Case request, RawHttp.Response reply) {
        int status = reply.status();
        boolean ours = reachesExtension(request);
        if (reply.body().contains("Exception") || reply.body().contains("\tat ")) {
            return "a stack trace";
        }
        if (status >= 500) {
            if (ours || !keycloakFailsTheSame(request)) {
                return "a server error";
            }
            keycloaksOwnServerErrors++;
        }
        if (ours && status == 0) {
            return "no answer";
        }
        if (ours && status >= 400 && !request.request().method().equals("HEAD") && !isSpecError(reply)) {
            return "not the SPEC's JSON error";
        }
        boolean preflight = request.request().method().equals("OPTIONS");
        if (status / 100 == 2 && request.api() == Api.ADMIN && !request.credential().equals(ADMIN) && !preflight) {
            return "the admin API answered a caller who is no admin";
        }
        if (status / 100 == 2 && request.api() == Api.USER && mentionsBob(reply.body())) {
            return "another user's data";
        }
        return null;
    }

    /**
     * Whether the request gets past Keycloak to the extension's code. Keycloak's HTTP layer answers
     * itself a method no resource has, an admin API preflight, a request line that is not HTTP, an unknown realm, a query
     * value with a control character, over-long lines; its admin layer answers a token it does not
     * accept and an origin it does not allow.
     */
    private boolean reachesExtension(Case request) {
        RawHttp.Request raw = request.request();
        boolean admitted = request.api() == Api.USER || (request.credential().equals(ADMIN) && request.realm().equals("fuzz-admin")
                || request.realm().equals("fuzz") && ADMITTED_BY_ADMIN_LAYER.contains(request.credential()))
                && raw.headers().stream().noneMatch(h -> h.getKey().equals("Origin"))
                && raw.headers().stream().filter(h -> h.getKey().equals("Authorization")).count() == 1;
        boolean routed = STANDARD_METHODS.contains(raw.method()) && !(request.api() == Api.ADMIN && raw.method().equals("OPTIONS"));
        return routed && KNOWN_REALMS.contains(request.realm()) && admitted
                && raw.target().length() < 4000 && VALID_TARGET.matcher(raw.target()).matches()
                && !CONTROL_CHARACTER.matcher(raw.target()).find() && !hasDotSegment(raw.target())
                && raw.headers().stream().allMatch(h -> h.getValue().length() < 4000 && PRINTABLE.matcher(h.getValue()).matches())
                && formBodyDecodes(raw);
    }

    /**
     * Keycloak's REST layer reads a form body before choosing the resource, and answers one that
     * does not decode (bad escapes, not UTF-8, any multipart the API never takes) with a {@code 500} on every endpoint.
     */
    private static boolean formBodyDecodes(RawHttp.Request raw) {
        String contentType = raw.headers().stream().filter(h -> h.getKey().equals("Content-Type"))
                .map(Map.Entry::getValue).findFirst().orElse("");
        if (contentType.startsWith("multipart/")) {
            return false;
        }
        if (raw.body().length == 0 || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return true;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw.body())).toString();
            URLDecoder.decode(text, StandardCharsets.UTF_8);
            return true;
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A {@code .} or {@code ..} path segment, escaped or not: Keycloak's HTTP layer refuses unnormalised paths. */
    private static boolean hasDotSegment(String target) {
        String path = target.split("\\?", 2)[0].replaceAll("(?i)%2e", ".").replaceAll("(?i)%2f", "/");
        return Arrays.stream(path.split("/")).anyMatch(segment -> segment.equals(".") || segment.equals(".."));
    }

    /**
     * A failure that is Keycloak's, not the extension's: a form body Keycloak's REST layer cannot
     * decode (it fails before any resource code runs, on every endpoint taking that method), or a
     * request Keycloak's own API next door (the account API, the admin API's users), sent the same,
     * fails on too.
     */
    private boolean keycloakFailsTheSame(Case request) {
        RawHttp.Request raw = request.request();
        if (!formBodyDecodes(raw)) {
            return true;
        }
        String keycloaksOwn = request.api() == Api.USER ? "/realms/fuzz/account/" : "/admin/realms/" + request.realm() + "/users";
        RawHttp.Request same = new RawHttp.Request(raw.method(), keycloaksOwn, raw.headers(), raw.body());
        return RawHttp.send(server.baseUrl(), same).status() >= 500;
    }

    private boolean isSpecError(RawHttp.Response reply) {
        try {
            JsonNode body = Http.JSON.readTree(reply.body());
            return body.path("error").isTextual() && body.path("error_description").isTextual()
                    && String.valueOf(reply.header("Content-Type")).startsWith("application/json");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean mentionsBob(String body) {
        return body.contains(bobId) || bobSessionIds.stream().anyMatch(body::contains) || body.contains(bob.sessionId());
    }

    /** The extension's own warnings and errors, and any stack trace through its code. */
    private List<String> serverErrorsSince(long offset) throws IOException {
        byte[] log = Files.readAllBytes(server.log());
        String added = new String(log, (int) offset, log.length - (int) offset, StandardCharsets.UTF_8);
        return added.lines().filter(line -> line.contains("at io.sessionmanager")
                || line.contains("[io.sessionmanager") && (line.contains("ERROR") || line.contains("WARN"))).toList();
    }

    private RequestFuzzer.Targets targets() {
        JsonNode config = realm.admin().mustGet("/fuzz/session-manager/config").json();
        List<String> fields = new ArrayList<>();
        config.fieldNames().forEachRemaining(fields::add);
        fields.sort(null);
        return new RequestFuzzer.Targets("fuzz", "fuzz-admin", ADMIN, () -> credentials,
                () -> List.of(bobId, carlId),
                () -> sessionIds, fields);
    }

    /** Ann's own tokens and the admin's, signed in again after a request may have ended their sessions. */
    private void signIn() {
        credentials.put(ADMIN, "Bearer " + adminRealm.adminCliToken("dora"));
        Tokens ann = realm.login("ann");
        Tokens offline = realm.loginOffline("ann");
        credentials.put("ann", "Bearer " + ann.accessToken());
        credentials.put("ann offline", "Bearer " + offline.accessToken());
        credentials.put("ann refresh token", "Bearer " + ann.refreshToken());
        credentials.put("ann offline token", "Bearer " + offline.refreshToken());
        credentials.put("ann, alg none", "Bearer " + unsigned(ann.accessToken()));
        credentials.put("ann, other key", "Bearer " + signedWithAnotherKey(ann.accessToken()));
        credentials.put("ann, sub of bob", "Bearer " + withClaim(ann.accessToken(), "\"sub\":\"" + bobId + "\""));
        credentials.put("ann, sid of bob", "Bearer " + withClaim(ann.accessToken(), "\"sid\":\"" + bob.sessionId() + "\""));
        sessionIds.clear();
        list(realm, ann).forEach(s -> sessionIds.add(s.path("id").asText()));
        sessionIds.addAll(bobSessionIds);
    }

    private void fixedCredentials() throws InterruptedException {
        Tokens expired = realm.loginThrough("short-lived", "", "ann", Map.of());
        credentials.put("none", null);
        credentials.put("ann of another realm", "Bearer " + adminRealm.login("ann").accessToken());
        credentials.put("ann for another audience", "Bearer " + realm.loginThrough("narrow", "", "ann", Map.of()).accessToken());
        credentials.put("service account", "Bearer " + realm.serviceAccountToken());
        credentials.put("garbage", "Bearer " + "x".repeat(40));
        credentials.put("basic", "Basic YW5uOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ==");
        credentials.put("empty bearer", "Bearer ");
        Thread.sleep(2_000);
        credentials.put("ann, expired", "Bearer " + expired.accessToken());
    }

    private static String unsigned(String jwt) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        return header + "." + jwt.split("\\.")[1] + ".";
    }

    /** The same header (and key id) and claims, signed with a key the realm never had. */
    private static String signedWithAnotherKey(String jwt) {
        String[] parts = jwt.split("\\.");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(generator.generateKeyPair().getPrivate());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token with one claim replaced, its signature kept (so no longer matching). */
    private static String withClaim(String jwt, String claim) {
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String name = claim.substring(0, claim.indexOf(':'));
        String replaced = payload.replaceFirst(java.util.regex.Pattern.quote(name) + ":\"[^\"]*\"", claim);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(replaced.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
