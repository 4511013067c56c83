package io.sessionmanager.keycloak.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.BrowserSecurityHeaders;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A request whose {@code Content-Type} is not a media type ({@code ;;;}, an empty value). Keycloak's
 * security-headers response filter parses that header for every answer and turns its parse error
 * into a {@code 500} (Keycloak 26.4 to 26.7.3), whatever the endpoint answered. So the API refuses
 * such a request itself with a {@code 400}, tells the filter to stand aside, and sets the headers
 * the filter would have set on a REST answer.
 */
final class MalformedContentType {

    private static final List<BrowserSecurityHeaders> REST_HEADERS = List.of(BrowserSecurityHeaders.STRICT_TRANSPORT_SECURITY,
            BrowserSecurityHeaders.X_FRAME_OPTIONS, BrowserSecurityHeaders.X_CONTENT_TYPE_OPTIONS,
            BrowserSecurityHeaders.REFERRER_POLICY, BrowserSecurityHeaders.X_ROBOTS_TAG);

    private MalformedContentType() {
    }

    /** The refusal when the request's {@code Content-Type} does not parse, otherwise {@code answer}'s response. */
    static Response orElse(KeycloakSession session, RealmModel realm, Supplier<Response> answer) {
        String contentType = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.CONTENT_TYPE);
        return contentType == null || parses(contentType) ? answer.get() : refusal(session, realm);
    }

    private static Response refusal(KeycloakSession session, RealmModel realm) {
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        Response refusal = ApiError.badRequest("The Content-Type header is not a media type").toResponse(realm.getName());
        Response.ResponseBuilder response = Response.fromResponse(refusal);
        Map<String, String> configured = realm.getBrowserSecurityHeaders();
        for (BrowserSecurityHeaders header : REST_HEADERS) {
            String value = configured.getOrDefault(header.getKey(), header.getDefaultValue());
            if (value != null && !value.isEmpty()) {
                response.header(header.getHeaderName(), value);
            }
        }
        return response.build();
    }

    private static boolean parses(String contentType) {
        try {
            MediaType.valueOf(contentType);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
