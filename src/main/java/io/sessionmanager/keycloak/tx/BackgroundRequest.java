package io.sessionmanager.keycloak.tx;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * A stand-in HTTP request for revocations that no request asked for (the scheduled cleanup ending
 * idle sessions). Keycloak's back-channel logout needs a request: its logout tokens name the
 * realm's URL as issuer. The stand-in has no headers, cookies or body; its URL is the one this node
 * was last reached at, which Keycloak's hostname settings (a configured {@code --hostname}, a
 * realm's frontend URL) override exactly as for a real request.
 */
final class BackgroundRequest implements HttpRequest {

    /** How often a real request's URL is noted: building it was a tenth of a sign-in's recording (bench/run --profile). */
    private static final long REMEMBER_EVERY_MILLIS = 1_000;

    private static volatile URI lastBaseUri = URI.create("http://localhost/");
    private static volatile long rememberedAt;

    private final URI baseUri = lastBaseUri;

    /** Notes the base URL a real request reached this node at, at most once a second. */
    static void remember(KeycloakSession session) {
        long now = System.currentTimeMillis();
        OriginalRequest request = OriginalRequest.of(session);
        if (request != null && now - rememberedAt >= REMEMBER_EVERY_MILLIS) {
            rememberedAt = now;
            lastBaseUri = request.request().getUri().getBaseUri();
        }
    }

    @Override
    public String getHttpMethod() {
        return "POST";
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return stub(HttpHeaders.class);
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return null;
    }

    @Override
    public UriInfo getUri() {
        return stub(UriInfo.class);
    }

    @Override
    public boolean isProxyTrusted() {
        return false;
    }

    /**
     * The request's URL is its base URL; it has no headers, cookies, parameters or body. What has
     * no sensible empty answer (matched resources, resolving paths) is unsupported.
     */
    private <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "getBaseUri", "getRequestUri", "getAbsolutePath" -> baseUri;
                    case "getBaseUriBuilder", "getRequestUriBuilder", "getAbsolutePathBuilder" -> UriBuilder.fromUri(baseUri);
                    case "getPath" -> "/";
                    case "getQueryParameters", "getPathParameters", "getRequestHeaders" -> new MultivaluedHashMap<>();
                    case "getRequestHeader", "getAcceptableMediaTypes", "getAcceptableLanguages", "getPathSegments" ->
                            List.of();
                    case "getCookies" -> Map.of();
                    case "getLength" -> -1;
                    case "getHeaderString", "getMediaType", "getLanguage", "getDate" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName() + " of a background request to " + baseUri;
                    default -> throw new UnsupportedOperationException(method.getName() + " of a background request");
                }));
    }
}
