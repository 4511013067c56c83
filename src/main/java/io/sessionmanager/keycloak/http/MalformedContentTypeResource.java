package io.sessionmanager.keycloak.http;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
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
 * Both APIs for a request whose {@code Content-Type} is not a media type ({@code ;;;}, an empty
 * value): a {@code 400} for every method and path. Keycloak's security-headers response filter parses
 * that header for every answer and turns its parse error into a {@code 500} (Keycloak 26.4 to
 * 26.7.3), whatever the endpoint answered; and a method that takes a body never runs, the framework
 * refusing the header first with an empty {@code 400} that the filter then turns into the same
 * {@code 500}. So the APIs hand such a request to this resource, which has no method with a body,
 * tells the filter to stand aside and sets the headers it would have set on a REST answer.
 */
@Produces(MediaType.APPLICATION_JSON)
public final class MalformedContentTypeResource {

    private static final List<BrowserSecurityHeaders> REST_HEADERS = List.of(BrowserSecurityHeaders.STRICT_TRANSPORT_SECURITY,
            BrowserSecurityHeaders.X_FRAME_OPTIONS, BrowserSecurityHeaders.X_CONTENT_TYPE_OPTIONS,
            BrowserSecurityHeaders.REFERRER_POLICY, BrowserSecurityHeaders.X_ROBOTS_TAG);

    private final KeycloakSession session;
    private final RealmModel realm;

    private MalformedContentTypeResource(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** This resource when the request's {@code Content-Type} does not parse, otherwise {@code api}'s. */
    public static Object orElse(KeycloakSession session, RealmModel realm, Supplier<Object> api) {
        String contentType = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.CONTENT_TYPE);
        return contentType == null || parses(contentType) ? api.get() : new MalformedContentTypeResource(session, realm);
    }

    @GET
    public Response get() {
        return refusal();
    }

    @POST
    public Response post() {
        return refusal();
    }

    @PUT
    public Response put() {
        return refusal();
    }

    @DELETE
    public Response delete() {
        return refusal();
    }

    @PATCH
    public Response patch() {
        return refusal();
    }

    @OPTIONS
    public Response options() {
        return refusal();
    }

    /** Any path below the API's answers the same ({@code .+}: {@code .*} would match the empty rest forever). */
    @Path("{any:.+}")
    public MalformedContentTypeResource below() {
        return this;
    }

    private Response refusal() {
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
