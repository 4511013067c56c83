package io.sessionmanager.keycloak.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Random and hostile requests to both APIs, all drawn from one seeded {@link Random}, so that a
 * seed and a request number name one request again. Paths, ids, query parameters, methods,
 * headers, bodies and credentials are each picked from what a client could send: well-formed,
 * almost right, malicious, oversized or not even valid HTTP.
 */
public final class RequestFuzzer {

    public enum Api { USER, ADMIN }

    /** One generated request: which API it aims at, in which realm, with which kind of credential. */
    public record Case(int number, Api api, String realm, String credential, RawHttp.Request request) {

        @Override
        public String toString() {
            return "request #" + number + " (" + api + " API, realm " + realm + ", credential " + credential + "):\n" + request;
        }
    }

    /**
     * What the requests can name: the realm the user API is called in, the realm the admin
     * credential administers, the credentials by kind (a kind whose value is null sends no
     * {@code Authorization}), and the ids of existing users and sessions, read as each request is made.
     */
    public record Targets(String userRealm, String adminRealm, String adminCredential,
                          Supplier<Map<String, String>> credentials, Supplier<List<String>> userIds,
                          Supplier<List<String>> sessionIds, List<String> configFields) {
    }

    private static final List<String> HOSTILE = List.of("' OR '1'='1", "1;DROP TABLE SM_SESSION_RECORD--", "../../admin",
            "..%2F..%2Fmaster", "%2e%2e", "%00", "%", "%zz", "%C0%AE", "${jndi:ldap://127.0.0.1/a}", "<script>x</script>",
            "\u202egnp.exe", "\uD83D\uDE00", "null", "undefined", "-1", "0", "1e309", "99999999999999999999999", "NaN",
            "true", "[]", "{}", " ", "%20", "a b", "\\", "//", ";", "*", "~", "\t", "%0d%0aSet-Cookie:%20x=1", "%FF%FE",
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff");
    private static final List<String> METHODS = List.of("GET", "GET", "GET", "GET", "DELETE", "DELETE", "DELETE", "POST",
            "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "get", "DELET", "X".repeat(40));
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-16",
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "*/*", "application/json; charset=nonsense", ";;;", "");
    private static final List<String> QUERY_NAMES = List.of("first", "max", "keepCurrent", "first", "max", "type",
            "status", "userId", "realm", "sort", "q", "");
    private static final List<String> NUMBERS = List.of("0", "1", "100", "101", "-1", "2147483648", "-2147483649",
            "9223372036854775808", "1.5", "abc", "", "0x10", "1e3", " 1", "%2B1", "+1", "010");
    private static final List<String> BOOLEANS = List.of("true", "false", "TRUE", "yes", "1", "", "maybe");

    private final Random random;
    private final Targets targets;
    private int number;

    public RequestFuzzer(long seed, Targets targets) {
        this.random = new Random(seed);
        this.targets = targets;
    }

    public Case next() {
        number++;
        List<String> kinds = new ArrayList<>(targets.credentials().get().keySet());
        kinds.sort(null);
        String credential = pick(kinds);
        Api api = random.nextInt(3) == 0 ? Api.ADMIN : Api.USER;
        String realm = credential.equals(targets.adminCredential()) && api == Api.ADMIN ? targets.adminRealm() : targets.userRealm();
        if (random.nextInt(25) == 0) {
            realm = pick(List.of("master", targets.adminRealm(), targets.userRealm().toUpperCase(Locale.ROOT)));
        }
        String path = api == Api.USER
                ? "/realms/" + realm + "/sessions" + userSuffix()
                : "/admin/realms/" + realm + "/session-manager" + adminSuffix();
        List<Map.Entry<String, String>> headers = headers(targets.credentials().get().get(credential));
        byte[] body = random.nextInt(3) == 0 ? body() : new byte[0];
        return new Case(number, api, realm, credential, new RawHttp.Request(pick(METHODS), path + query(), headers, body));
    }

    private String userSuffix() {
        return switch (random.nextInt(8)) {
            case 0, 1 -> "";
            case 2 -> "/history";
            case 3, 4 -> "/" + sessionId();
            case 5 -> "/" + sessionId() + "/" + junk();
            case 6 -> "/history/" + junk();
            default -> "/" + junk();
        };
    }

    private String adminSuffix() {
        String user = "/users/" + userId() + "/sessions";
        return switch (random.nextInt(10)) {
            case 0, 1 -> user;
            case 2 -> user + "/history";
            case 3, 4 -> user + "/" + sessionId();
            case 5 -> "/config";
            case 6 -> "/cleanup";
            case 7 -> "/status";
            case 8 -> "";
            default -> "/" + junk() + (random.nextBoolean() ? "/" + junk() : "");
        };
    }

    private String sessionId() {
        return switch (random.nextInt(6)) {
            case 0, 1, 2 -> pickOr(targets.sessionIds().get(), UUID.randomUUID().toString());
            case 3 -> UUID.randomUUID().toString();
            case 4 -> pickOr(targets.sessionIds().get(), "x").toUpperCase(Locale.ROOT);
            default -> junk();
        };
    }

    private String userId() {
        return switch (random.nextInt(5)) {
            case 0, 1, 2 -> pickOr(targets.userIds().get(), UUID.randomUUID().toString());
            case 3 -> UUID.randomUUID().toString();
            default -> junk();
        };
    }

    /** Something that is not a proper id: hostile strings, random characters, or very long. */
    private String junk() {
        return switch (random.nextInt(5)) {
            case 0, 1 -> pick(HOSTILE);
            case 2 -> randomText(1 + random.nextInt(40));
            case 3 -> "a".repeat(1 + random.nextInt(random.nextInt(8) == 0 ? 9000 : 300));
            default -> encode(randomText(1 + random.nextInt(20)));
        };
    }

    private String query() {
        if (random.nextBoolean()) {
            return "";
        }
        List<String> parameters = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            String name = pick(QUERY_NAMES);
            String value = switch (name) {
                case "first", "max" -> pick(NUMBERS);
                case "keepCurrent" -> pick(BOOLEANS);
                default -> junk();
            };
            parameters.add(random.nextInt(10) == 0 ? name : name + "=" + value);
        }
        return "?" + String.join("&", parameters);
    }

    private List<Map.Entry<String, String>> headers(String authorization) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (authorization != null) {
            headers.add(Map.entry("Authorization", authorization));
            if (random.nextInt(20) == 0) {
                headers.add(Map.entry("Authorization", "Bearer " + randomText(30)));
            }
        }
        if (random.nextBoolean()) {
            headers.add(Map.entry("Content-Type", pick(CONTENT_TYPES)));
        }
        if (random.nextInt(4) == 0) {
            headers.add(Map.entry("Origin", pick(List.of("http://app.example", "null", "http://evil.example", junk()))));
        }
        if (random.nextInt(5) == 0) {
            headers.add(Map.entry(pick(List.of("X-Forwarded-For", "Forwarded", "X-HTTP-Method-Override", "Accept",
                    "User-Agent", "Cookie", "Accept-Language", "X-Real-IP")), headerValue()));
        }
        return headers;
    }

    private String headerValue() {
        return switch (random.nextInt(4)) {
            case 0 -> pick(List.of("DELETE", "127.0.0.1", "for=\"[::1]\"", "application/xml", "*/*;q=abc", "de-DE,xx;q=0.1"));
            case 1 -> "x".repeat(random.nextInt(9000));
            default -> randomText(random.nextInt(60)).replaceAll("[\\r\\n]", "");
        };
    }

    private byte[] body() {
        return switch (random.nextInt(6)) {
            case 0 -> randomBytes(pick(List.of(1, 16, 1_000, 70_000)));
            case 1 -> configJson().getBytes(StandardCharsets.UTF_8);
            case 2 -> ("[".repeat(1 + random.nextInt(20_000))).getBytes(StandardCharsets.US_ASCII);
            case 3 -> new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
            case 4 -> ("maxInactivity=PT1S&" + junk()).getBytes(StandardCharsets.UTF_8);
            default -> ("{\"" + randomText(10) + "\":" + pick(HOSTILE) + "}").getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A settings object with the real field names, and values of any type, some of them valid. */
    private String configJson() {
        List<String> fields = new ArrayList<>();
        for (String field : targets.configFields()) {
            if (random.nextBoolean()) {
                fields.add("\"" + field + "\":" + pick(List.of("\"P1D\"", "\"PT0S\"", "\"-P1D\"", "\"P999999999D\"", "1",
                        "null", "true", "[]", "{}", "\"ALL\"", "\"OTHERS\"", "\"NONE\"", "\"x\"", "1e309")));
            }
        }
        if (random.nextInt(4) == 0) {
            fields.add("\"" + randomText(8).replace("\"", "") + "\":1");
        }
        return "{" + String.join(",", fields) + "}";
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.append(kind < 6 ? (char) (' ' + random.nextInt(95)) : kind < 9 ? (char) (0xA0 + random.nextInt(0x2000))
                    : (char) random.nextInt(32));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private String pickOr(List<String> items, String fallback) {
        return items.isEmpty() ? fallback : pick(items);
    }
}
