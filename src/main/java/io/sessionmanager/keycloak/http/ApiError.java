package io.sessionmanager.keycloak.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, answered as {@code {"error", "error_description"}} JSON. Returned as
 * a response by the resource rather than thrown to JAX-RS, whose Keycloak error handler would
 * rewrite the body and roll back the transaction.
 */
public final class ApiError extends RuntimeException {

    /** Answers about sessions are personal: no cache keeps them, errors included. */
    public static final String NO_STORE = "no-store";

    private final Response.Status status;
    private final String error;
    private final String allowedMethods;
    private final Long maxAge;

    private ApiError(Response.Status status, String error, String description) {
        this(status, error, description, null, null);
    }

    private ApiError(Response.Status status, String error, String description, String allowedMethods, Long maxAge) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.allowedMethods = allowedMethods;
        this.maxAge = maxAge;
    }

    public static ApiError badRequest(String description) {
        return new ApiError(Response.Status.BAD_REQUEST, "invalid_request", description);
    }

    public static ApiError unauthorized(String description) {
        return new ApiError(Response.Status.UNAUTHORIZED, "invalid_token", description);
    }

    /** RFC 9470's step-up challenge: sign in again, at most {@code maxAge} seconds before the request. */
    public static ApiError signInAgain(String description, long maxAge) {
        return new ApiError(Response.Status.UNAUTHORIZED, "insufficient_user_authentication", description, null, maxAge);
    }

    public static ApiError forbidden(String description) {
        return new ApiError(Response.Status.FORBIDDEN, "insufficient_scope", description);
    }

    public static ApiError notFound(String description) {
        return new ApiError(Response.Status.NOT_FOUND, "not_found", description);
    }

    public static ApiError unsupportedMediaType(String description) {
        return new ApiError(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", description);
    }

    /** A 405 with the {@code Allow} header HTTP requires, naming {@code allowed}. */
    public static ApiError methodNotAllowed(String... allowed) {
        String methods = String.join(", ", allowed);
        return new ApiError(Response.Status.METHOD_NOT_ALLOWED, "method_not_allowed", "Use " + methods, methods, null);
    }

    public Response.Status status() {
        return status;
    }

    private String challenge(String realmName) {
        String challenge = "Bearer realm=" + quoted(realmName);
        return maxAge == null ? challenge : challenge + ", error=" + quoted(error) + ", error_description="
                + quoted(getMessage()) + ", max_age=" + maxAge;
    }

    /** An RFC 9110 quoted string: a realm's name may hold quotes, and no header value a line break. */
    private static String quoted(String value) {
        return "\"" + value.replaceAll("[\\p{Cntrl}]", " ").replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public Response toResponse(String realmName) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header(HttpHeaders.CACHE_CONTROL, NO_STORE);
        if (status == Response.Status.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, challenge(realmName));
        }
        if (allowedMethods != null) {
            response.header(HttpHeaders.ALLOW, allowedMethods);
        }
        return response.build();
    }
}
