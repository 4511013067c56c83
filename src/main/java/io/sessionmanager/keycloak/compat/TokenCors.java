package io.sessionmanager.keycloak.compat;

import jakarta.ws.rs.ForbiddenException;
import org.keycloak.common.util.UriUtils;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.utils.WebOriginsUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;

/**
 * Keycloak's CORS for a bearer token's web origins, the same on every supported version. Keycloak
 * 26.7 renamed {@code Cors.allowedOrigins(AccessToken)} to {@code checkAllowedOrigins} and made it
 * refuse a request from a foreign {@code Origin} ({@link ForbiddenException}); before, such a
 * request ran and only its response lacked CORS headers. On those versions the same refusal is
 * made here, so a foreign origin gets {@code 403} everywhere.
 */
public final class TokenCors {

    private static final MethodHandle CHECKING = find("checkAllowedOrigins");
    private static final MethodHandle ALLOWING = CHECKING != null ? null : find("allowedOrigins");

    private TokenCors() {
    }

    /**
     * Sets the token's web origins as the allowed ones on {@code cors}.
     *
     * @throws ForbiddenException when the request's {@code Origin} is neither allowed nor its own
     */
    public static Cors checkAllowedOrigins(KeycloakSession session, Cors cors, AccessToken token) {
        if (CHECKING != null) {
            return invoke(CHECKING, cors, token);
        }
        checkOrigin(session, token);
        return invoke(ALLOWING, cors, token);
    }

    /** Keycloak 26.7's check: no {@code Origin}, an allowed one, {@code *}, or the request's own. */
    private static void checkOrigin(KeycloakSession session, AccessToken token) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        if (origin == null || origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))) {
            return;
        }
        Set<String> allowed = allowedOrigins(session, token);
        boolean allowedOrigin = allowed != null
                && (allowed.contains(origin) || allowed.contains(Cors.ACCESS_CONTROL_ALLOW_ORIGIN_WILDCARD));
        if (!allowedOrigin) {
            throw new ForbiddenException("Invalid origin");
        }
    }

    private static Set<String> allowedOrigins(KeycloakSession session, AccessToken token) {
        if (token.getAllowedOrigins() != null && !token.getAllowedOrigins().isEmpty()) {
            return token.getAllowedOrigins();
        }
        ClientModel client = token.getIssuedFor() == null ? null
                : session.getContext().getRealm().getClientByClientId(token.getIssuedFor());
        return client == null ? null : WebOriginsUtils.resolveValidWebOrigins(session, client);
    }

    private static MethodHandle find(String name) {
        try {
            return MethodHandles.publicLookup().findVirtual(Cors.class, name,
                    MethodType.methodType(Cors.class, AccessToken.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    private static Cors invoke(MethodHandle method, Cors cors, AccessToken token) {
        try {
            return (Cors) method.invoke(cors, token);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
