package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.device.DeviceWords;
import io.sessionmanager.keycloak.http.ApiError;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.rest.CallerAuthenticator.Access;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.UserSessions;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.cors.Cors;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code /realms/{realm}/sessions}: the caller's own sessions, on every device, and revoking them.
 * Each method authenticates first; every refusal is a JSON error response.
 */
@Produces(MediaType.APPLICATION_JSON)
public final class SessionsResource {

    /** Where the OpenAPI description of this API and the admin API is served, to anyone, from any origin. */
    public static final String OPENAPI_PATH = ServedOpenApi.DOCUMENT;
    /** RFC 9512. */
    public static final String YAML = "application/yaml";

    /** Public ids are random UUIDs; anything else cannot name a session. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final KeycloakSession session;
    private final RealmModel realm;

    public SessionsResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** The caller's active sessions, online and offline: the current one first, then by last activity. */
    @GET
    public Response list(@QueryParam("first") String first, @QueryParam("max") String max) {
        return respond(Access.READ, caller -> {
            Page page = Page.parse(first, max);
            UserSessions sessions = new UserSessions(session, realm);
            return ok(page.of(views(sessions, caller).active(sessions.active(caller.user()))));
        });
    }

    /** The caller's ended sessions still within retention, most recently ended first. */
    @GET
    @Path("history")
    public Response history(@QueryParam("first") String first, @QueryParam("max") String max) {
        return respond(Access.READ, caller -> {
            Page page = Page.parse(first, max);
            UserSessions sessions = new UserSessions(session, realm);
            List<SessionRecord> ended = sessions.ended(caller.user(), page.first(), page.max());
            SessionViews views = views(sessions, caller);
            return ok(ended.stream().map(views::ended).toList());
        });
    }

    /** One of the caller's sessions, active or ended. */
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return respond(Access.READ, caller -> {
            UserSessions sessions = new UserSessions(session, realm);
            SessionViews views = views(sessions, caller);
            return sessions.active(caller.user()).stream()
                    .filter(live -> live.record().getId().equals(id))
                    .findFirst()
                    .map(views::active)
                    .or(() -> find(caller, id).filter(sessions::isRetained).map(views::ended))
                    .map(SessionsResource::ok)
                    .orElseThrow(SessionsResource::noSuchSession);
        });
    }

    /** Revokes one of the caller's sessions, the current one included. Ended sessions stay as they ended. */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        return respond(Access.END_SESSIONS, caller -> {
            SessionRecord record = find(caller, id).orElseThrow(SessionsResource::noSuchSession);
            SessionRevoker.of(session, realm).revoke(record, EndReason.USER_REVOKED);
            return Response.noContent().header(HttpHeaders.CACHE_CONTROL, ApiError.NO_STORE).build();
        });
    }

    /** "Log out everywhere", offline sessions included; with {@code keepCurrent=true}, "sign out other devices". */
    @DELETE
    public Response revokeAll(@QueryParam("keepCurrent") String keepCurrent) {
        return respond(Access.END_SESSIONS, caller -> {
            boolean keep = parseBoolean("keepCurrent", keepCurrent);
            long revoked = new UserSessions(session, realm).revokeAll(caller.user(),
                    keep ? EndReason.LOGOUT_OTHERS : EndReason.LOGOUT_EVERYWHERE, keep ? caller.sessionId() : null);
            return ok(Map.of("revoked", revoked));
        });
    }

    /** docs/openapi.yaml, the document the contract test checks the API against, naming this realm's server. */
    @GET
    @Path(OPENAPI_PATH)
    @Produces(YAML)
    public Response openApi() {
        String document = ServedOpenApi.forRealm(ServedOpenApi.server(session, realm), realm.getName());
        return Response.ok(document, YAML).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("Access-Control-Allow-Origin", "*").build();
    }

    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return Cors.builder().auth().allowedMethods(CallerAuthenticator.METHODS).preflight().add(Response.ok());
    }

    /** Paths below a session name nothing. */
    @Path("{id}/{rest:.+}")
    public NoSuchResource below() {
        return new NoSuchResource(realm);
    }

    @POST
    public Response postToCollection() {
        return methodNotAllowed();
    }

    @PUT
    public Response putToCollection() {
        return methodNotAllowed();
    }

    @PATCH
    public Response patchCollection() {
        return methodNotAllowed();
    }

    @POST
    @Path("{id}")
    public Response postToSession() {
        return methodNotAllowed();
    }

    @PUT
    @Path("{id}")
    public Response putToSession() {
        return methodNotAllowed();
    }

    @PATCH
    @Path("{id}")
    public Response patchSession() {
        return methodNotAllowed();
    }

    private Response respond(Access access, Function<Caller, Response> action) {
        try {
            return action.apply(new CallerAuthenticator(session).authenticate(access));
        } catch (ApiError e) {
            return e.toResponse(realm.getName());
        }
    }

    private Response methodNotAllowed() {
        return ApiError.methodNotAllowed("GET", "DELETE", "OPTIONS").toResponse(realm.getName());
    }

    private Optional<SessionRecord> find(Caller caller, String id) {
        return findForUser(session, realm, caller.user(), id);
    }

    /** A user's record by public id; anything that is not a well-formed id names no session. */
    static Optional<SessionRecord> findForUser(KeycloakSession session, RealmModel realm, UserModel user, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return SessionStore.of(session).findForUser(realm.getId(), user.getId(), id);
    }

    private SessionViews views(UserSessions sessions, Caller caller) {
        return new SessionViews(realm, sessions.policy(), caller.sessionId(),
                DeviceWords.forUser(session, realm, caller.user()));
    }

    private static boolean parseBoolean(String name, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiError.badRequest("'" + name + "' must be true or false");
    }

    private static ApiError noSuchSession() {
        return ApiError.notFound("No such session");
    }

    private static Response ok(Object entity) {
        return Response.ok(entity).header(HttpHeaders.CACHE_CONTROL, ApiError.NO_STORE).build();
    }
}
