package io.sessionmanager.keycloak.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sessionmanager.keycloak.alert.NewDeviceAlert;
import io.sessionmanager.keycloak.cleanup.CleanupResult;
import io.sessionmanager.keycloak.cleanup.SessionCleanup;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.device.DeviceWords;
import io.sessionmanager.keycloak.events.RecordingFailures;
import io.sessionmanager.keycloak.http.ApiError;
import io.sessionmanager.keycloak.model.CleanupRun;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.policy.PolicyFailures;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.UserSessions;
import io.sessionmanager.keycloak.tx.OriginalRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /admin/realms/{realm}/session-manager}: any user's sessions for administrators, the
 * realm's session policy, and running the cleanup now. Permissions are Keycloak's own:
 * view-users / manage-users (or fine-grained user permissions), view-realm / manage-realm.
 */
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    AdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                  AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /** A user's active sessions, online and offline, most recently active first. */
    @GET
    @Path("users/{userId}/sessions")
    public Response userSessions(@PathParam("userId") String userId, @QueryParam("first") String first,
                                 @QueryParam("max") String max) {
        return respond(() -> {
            UserModel user = viewableUser(userId);
            Page page = Page.parse(first, max);
            UserSessions sessions = new UserSessions(session, realm);
            return Response.ok(page.of(views(sessions).active(sessions.active(user)))).build();
        });
    }

    /** A user's ended sessions within retention, most recently ended first. */
    @GET
    @Path("users/{userId}/sessions/history")
    public Response userHistory(@PathParam("userId") String userId, @QueryParam("first") String first,
                                @QueryParam("max") String max) {
        return respond(() -> {
            UserModel user = viewableUser(userId);
            Page page = Page.parse(first, max);
            UserSessions sessions = new UserSessions(session, realm);
            List<SessionRecord> ended = sessions.ended(user, page.first(), page.max());
            SessionViews views = views(sessions);
            return Response.ok(ended.stream().map(views::ended).toList()).build();
        });
    }

    /** Revokes one of a user's sessions ({@code ADMIN_REVOKED}). */
    @DELETE
    @Path("users/{userId}/sessions/{id}")
    public Response revoke(@PathParam("userId") String userId, @PathParam("id") String id) {
        return respond(() -> {
            UserModel user = manageableUser(userId);
            SessionRecord record = SessionsResource.findForUser(session, realm, user, id)
                    .orElseThrow(() -> ApiError.notFound("No such session"));
            if (SessionRevoker.of(session, realm).revoke(record, EndReason.ADMIN_REVOKED)) {
                adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER_SESSION)
                        .resourcePath(session.getContext().getUri()).success();
            }
            return Response.noContent().build();
        });
    }

    /** Revokes every active session of a user ({@code ADMIN_REVOKED}). */
    @DELETE
    @Path("users/{userId}/sessions")
    public Response revokeAll(@PathParam("userId") String userId) {
        return respond(() -> {
            UserModel user = manageableUser(userId);
            long revoked = new UserSessions(session, realm).revokeAll(user, EndReason.ADMIN_REVOKED, null);
            adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER_SESSION)
                    .resourcePath(session.getContext().getUri()).success();
            return Response.ok(Map.of("revoked", revoked)).build();
        });
    }

    @GET
    @Path("config")
    public Response getConfig() {
        return respond(() -> {
            auth.realm().requireViewRealm();
            return Response.ok(configProvider().policy(realm).toMap()).build();
        });
    }

    /** Changes the listed fields of the realm's policy; any invalid field is a 400 and changes nothing. */
    @PUT
    @Path("config")
    public Response updateConfig(String body) {
        return respond(() -> {
            auth.realm().requireManageRealm();
            requireJson();
            SessionPolicy updated;
            try {
                updated = configProvider().policy(realm).with(parseObject(body));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            configProvider().save(session, realm, updated);
            adminEvent.operation(OperationType.UPDATE).resource(ResourceType.REALM)
                    .resourcePath(session.getContext().getUri()).representation(updated.toMap()).success();
            return Response.ok(updated.toMap()).build();
        });
    }

    /** Runs this realm's cleanup now: {@code {"ended": n, "deleted": m}}. */
    @POST
    @Path("cleanup")
    public Response cleanup() {
        return respond(() -> {
            auth.realm().requireManageRealm();
            int batchSize = configProvider().settings().cleanupBatchSize();
            CleanupResult result = new SessionCleanup(session.getKeycloakSessionFactory(), batchSize,
                    OriginalRequest.of(session)).clean(realm.getId());
            adminEvent.operation(OperationType.ACTION).resource(ResourceType.REALM)
                    .resourcePath(session.getContext().getUri()).success();
            return Response.ok(Map.of("ended", result.ended(), "deleted", result.deleted())).build();
        });
    }

    /**
     * The scheduled cleanup's last run across the cluster (it covers every realm):
     * {@code {"startedAt", "finishedAt"}}, or {@code {}} before the first run. The {@code node} that
     * ran it (host name and process id) is a detail of the server, shown only to the admins of
     * Keycloak's admin (master) realm.
     */
    @GET
    @Path("cleanup")
    public Response lastCleanup() {
        return respond(() -> {
            auth.realm().requireViewRealm();
            CleanupRun run = SessionStore.of(session).findCleanupRun();
            Map<String, Object> body = new LinkedHashMap<>();
            if (run != null && run.hasRun()) {
                if (isServerAdmin()) {
                    body.put("node", run.getNode());
                }
                body.put("startedAt", run.getStartedAt());
                body.put("finishedAt", run.getFinishedAt());
            }
            return Response.ok(body).build();
        });
    }

    /**
     * How the policy is holding in this realm, on this node since it started:
     * {@code failedPolicyRevocations}, the revocations the policy demanded that failed even when
     * retried, and {@code failedNewDeviceMails}, new-device emails the mail server did not take.
     */
    @GET
    @Path("status")
    public Response status() {
        return respond(() -> {
            auth.realm().requireViewRealm();
            return Response.ok(Map.of("failedPolicyRevocations", PolicyFailures.of(realm.getId()),
                    "failedRecordWrites", RecordingFailures.of(realm.getId()),
                    "failedNewDeviceMails", NewDeviceAlert.failures(realm.getId()))).build();
        });
    }

    private boolean isServerAdmin() {
        return Config.getAdminRealm().equals(auth.adminAuth().getRealm().getName());
    }

    /** Paths the API does not have. */
    @Path("{any:.*}")
    public NoSuchResource unknown() {
        return new NoSuchResource(realm);
    }

    private Response respond(Supplier<Response> action) {
        try {
            return Response.fromResponse(action.get()).header(HttpHeaders.CACHE_CONTROL, ApiError.NO_STORE).build();
        } catch (ApiError e) {
            return e.toResponse(realm.getName());
        } catch (ForbiddenException | NotAuthorizedException e) {
            return ApiError.forbidden("The admin token lacks the permission this request needs")
                    .toResponse(realm.getName());
        }
    }

    private UserModel viewableUser(String userId) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        return user;
    }

    private UserModel manageableUser(String userId) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        return user;
    }

    private UserModel user(String userId) {
        auth.users().requireQuery();
        UserModel user = userId.length() > 255 ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            throw ApiError.notFound("No such user");
        }
        return user;
    }

    /** Checked here rather than by {@code @Consumes}, whose refusal would not be the SPEC's JSON error. */
    private void requireJson() {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ApiError.unsupportedMediaType("Send the settings as application/json");
        }
    }

    private SessionManagerConfig configProvider() {
        return session.getProvider(SessionManagerConfig.class);
    }

    private SessionViews views(UserSessions sessions) {
        return new SessionViews(realm, sessions.policy(), null,
                DeviceWords.forUser(session, realm, auth.adminAuth().getUser()));
    }

    private static Map<String, Object> parseObject(String body) {
        try {
            Map<String, Object> map = JsonSerialization.readValue(body, new TypeReference<Map<String, Object>>() {
            });
            if (map == null) {
                throw new IllegalArgumentException("The body must be a JSON object");
            }
            return map;
        } catch (IOException e) {
            throw new IllegalArgumentException("The body must be a JSON object");
        }
    }
}
