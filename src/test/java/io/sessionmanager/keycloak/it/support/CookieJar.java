package io.sessionmanager.keycloak.it.support;

import java.net.CookieHandler;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser's cookies for one test server. Keycloak marks its cookies {@code Secure} even on
 * http://localhost (a secure context to browsers), which {@link java.net.CookieManager} would
 * then never send over http; this jar sends every cookie back, as a browser on localhost does,
 * to the paths it was set for (each realm has cookies of the same names, under its own path).
 */
final class CookieJar extends CookieHandler {

    private static final Pattern PATH = Pattern.compile(";\\s*path=([^;]*)", Pattern.CASE_INSENSITIVE);

    /** A cookie's name under the path it was set for. */
    private record Key(String path, String name) {
    }

    private final Map<Key, String> cookies = new ConcurrentHashMap<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        String requestPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        String header = cookies.entrySet().stream()
                .filter(e -> pathMatches(requestPath, e.getKey().path()))
                .sorted(Comparator.comparingInt(e -> -e.getKey().path().length()))
                .map(e -> e.getKey().name() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
        return header.isEmpty() ? Map.of() : Map.of("Cookie", List.of(header));
    }

    /** RFC 6265's path-match: the same path, or one below it. */
    private static boolean pathMatches(String requestPath, String cookiePath) {
        return requestPath.equals(cookiePath) || requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream())
                .forEach(setCookie -> store(uri, setCookie));
    }

    /** RFC 6265's default path, for a cookie set without one: the request's directory. */
    private static String defaultPath(URI uri) {
        String path = uri.getPath();
        int slash = path == null ? -1 : path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private void store(URI uri, String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            return;
        }
        Matcher path = PATH.matcher(setCookie);
        Key key = new Key(path.find() ? path.group(1).trim() : defaultPath(uri), pair.substring(0, eq).trim());
        String value = pair.substring(eq + 1).trim();
        boolean expired = setCookie.toLowerCase().contains("max-age=0") || value.isEmpty();
        if (expired) {
            cookies.remove(key);
        } else {
            cookies.put(key, value);
        }
    }
}
