package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.alert.LinkBase;
import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.tx.AfterCommit;
import io.sessionmanager.keycloak.tx.FailureAccount;
import io.sessionmanager.keycloak.tx.OriginalRequest;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.device.DeviceRepresentationProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.SessionExpirationUtils;

/**
 * Records sign-ins and session activity (the realm's {@code session-manager} listener; enforcing the
 * policy is {@link PolicyListener}'s, in every realm). Everything the record needs from the request (user
 * agent, device, IP as Keycloak's {@code ClientConnection} sees it) is read here on the request
 * thread; {@link SessionRecorder} writes a new session's record in the sign-in's own transaction
 * (never failing it) and everything else after the request commits.
 */
final class SessionEventListener implements EventListenerProvider {

    private static final String EXPIRED = "user_session_expired";
    /**
     * By name: Keycloak sends it from 26.5 on. On 26.4 the record of a session that ended by itself
     * is ended when the user's sessions are next listed, or by the scheduled cleanup.
     */
    private static final String USER_SESSION_DELETED = "USER_SESSION_DELETED";
    private static final String ACCOUNT_API_SESSIONS = "/account/sessions";
    private static final FailureAccount RECORDING = RecordingFailures.ACCOUNT;

    private final KeycloakSession session;
    private final ActivityThrottle throttle;
    private final SessionRecorder recorder;

    SessionEventListener(KeycloakSession session, ActivityThrottle throttle, SessionRecorder recorder) {
        this.session = session;
        this.throttle = throttle;
        this.recorder = recorder;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getError() != null || event.getSessionId() == null) {
            return;
        }
        switch (event.getType()) {
            case LOGIN -> signIn(event);
            case CODE_TO_TOKEN, REFRESH_TOKEN, USER_INFO_REQUEST, INTROSPECT_TOKEN -> activity(event);
            case LOGOUT -> logout(event);
            case REVOKE_GRANT -> AfterCommit.run(session, event.getRealmId(), (s, realm) -> recorder.ended(s, realm,
                    event.getUserId(), event.getSessionId(), EndReason.LOGGED_OUT, event.getTime()), RECORDING);
            default -> {
                if (USER_SESSION_DELETED.equals(event.getType().name())) {
                    AfterCommit.run(session, event.getRealmId(), (s, realm) -> recorder.ended(s, realm,
                            event.getUserId(), event.getSessionId(), endReason(event), event.getTime()), RECORDING);
                }
            }
        }
    }

    /** Keycloak deletes a session by itself when it expires (reason {@code user_session_expired}). */
    private static EndReason endReason(Event event) {
        return EXPIRED.equals(detail(event, Details.REASON)) ? EndReason.EXPIRED : EndReason.LOGGED_OUT;
    }

    private static String detail(Event event, String key) {
        return event.getDetails() == null ? null : event.getDetails().get(key);
    }

    private void signIn(Event event) {
        OriginalRequest.remember(session);
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        boolean rememberMe = "true".equals(detail(event, Details.REMEMBER_ME));
        long maxLifespan = SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(false, rememberMe,
                event.getTime(), realm);
        SignIn signIn = new SignIn(event.getRealmId(), event.getUserId(), event.getSessionId(), event.getClientId(),
                ipAddress(event.getIpAddress()), userAgent(), device(), rememberMe, event.getTime(),
                maxLifespan < 0 ? null : maxLifespan, LinkBase.of(session, realm));
        throttle.written(event.getSessionId(), event.getTime());
        if (!(createdItsSession(realm, event) && recorder.newSignIn(session, realm, signIn))) {
            AfterCommit.run(session, event.getRealmId(), (s, r) -> recorder.signIn(s, signIn), RECORDING);
        }
    }

    /**
     * Whether the sign-in created its Keycloak session: started this second. An SSO sign-in to a
     * further client has an older start, unless it came within the same second: then the session's
     * record exists already, the insert fails on it and the sign-in is recorded after the commit.
     */
    private boolean createdItsSession(RealmModel realm, Event event) {
        UserSessionModel userSession = session.sessions().getUserSession(realm, event.getSessionId());
        return userSession != null && userSession.getStarted() >= event.getTime() / 1000 - 1;
    }

    private void activity(Event event) {
        if (!throttle.tryAcquire(event.getSessionId(), event.getTime())) {
            return;
        }
        String ipAddress = fromUsersDevice(event) ? event.getIpAddress() : null;
        Activity activity = new Activity(event.getRealmId(), event.getUserId(), event.getSessionId(), event.getClientId(),
                ipAddress(ipAddress), event.getTime());
        AfterCommit.run(session, event.getRealmId(), (s, realm) -> recorder.activity(s, realm, activity), RECORDING);
    }

    /**
     * Whether the request came from the device the user signed in on, so that its address is the
     * device's: a public client's code exchange, refresh and userinfo (it runs on the device). A
     * confidential client makes them from its server, and introspection comes from a resource
     * server; their addresses say nothing about where the user is.
     */
    private boolean fromUsersDevice(Event event) {
        if (event.getType() == EventType.INTROSPECT_TOKEN || event.getClientId() == null) {
            return false;
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = realm == null ? null : realm.getClientByClientId(event.getClientId());
        return client != null && client.isPublicClient();
    }

    /**
     * A logout through Keycloak: the user's own, through Keycloak's account API (its Device
     * activity page), counts as revoked by the user; an application's (OIDC logout) as logged out.
     */
    private void logout(Event event) {
        boolean revokedByUs = detail(event, SessionRevoker.END_REASON_DETAIL) != null;
        if (!revokedByUs) {
            EndReason reason = isKeycloaksAccountApi() ? EndReason.USER_REVOKED : EndReason.LOGGED_OUT;
            AfterCommit.run(session, event.getRealmId(), (s, realm) ->
                    recorder.ended(s, realm, event.getUserId(), event.getSessionId(), reason, event.getTime()), RECORDING);
        }
    }

    private boolean isKeycloaksAccountApi() {
        String path = session.getContext().getUri() == null ? null : session.getContext().getUri().getPath();
        return path != null && path.contains(ACCOUNT_API_SESSIONS);
    }

    private String userAgent() {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        String userAgent = headers == null ? null : headers.getHeaderString(HttpHeaders.USER_AGENT);
        return truncate(userAgent, SessionRecord.USER_AGENT_LENGTH);
    }

    private DeviceInfo device() {
        DeviceRepresentationProvider provider = session.getProvider(DeviceRepresentationProvider.class);
        return provider == null ? DeviceInfo.UNKNOWN : DeviceInfo.from(provider.deviceRepresentation());
    }

    private static String ipAddress(String ipAddress) {
        return truncate(ipAddress, SessionRecord.IP_LENGTH);
    }

    /** Cuts to at most {@code length} chars without splitting a surrogate pair. */
    static String truncate(String value, int length) {
        if (value == null || value.length() <= length) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(length - 1)) ? length - 1 : length;
        return value.substring(0, end);
    }

    /** A session an admin ended in Keycloak's console (its Sessions tab) shows as revoked by an administrator at once. */
    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String[] path = event.getResourcePath() == null ? new String[0] : event.getResourcePath().split("/");
        if (event.getResourceType() == ResourceType.USER_SESSION && event.getOperationType() == OperationType.DELETE
                && path.length == 2 && path[0].equals("sessions")) {
            AfterCommit.run(session, event.getRealmId(),
                    (s, realm) -> recorder.ended(s, realm, null, path[1], EndReason.ADMIN_REVOKED, event.getTime()),
                    RECORDING);
        }
    }

    @Override
    public void close() {
    }
}
