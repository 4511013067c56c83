package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.revoke.OriginalRequest;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.device.DeviceRepresentationProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.SessionExpirationUtils;

/**
 * Records sign-ins and session activity. Everything the record needs from the request (user
 * agent, device, IP as Keycloak's {@code ClientConnection} sees it) is read here on the request
 * thread; the write happens after the request commits, in {@link SessionRecorder}.
 */
final class SessionEventListener implements EventListenerProvider {

    private static final String PASSWORD = "password";
    private static final String EXPIRED = "user_session_expired";

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
        if (event.getError() != null) {
            return;
        }
        switch (event.getType()) {
            case UPDATE_PASSWORD, RESET_PASSWORD -> passwordChanged(event);
            case UPDATE_CREDENTIAL -> {
                if (PASSWORD.equals(detail(event, Details.CREDENTIAL_TYPE))) {
                    passwordChanged(event);
                }
            }
            default -> onSessionEvent(event);
        }
    }

    private void onSessionEvent(Event event) {
        if (event.getSessionId() == null) {
            return;
        }
        switch (event.getType()) {
            case LOGIN -> signIn(event);
            case CODE_TO_TOKEN, REFRESH_TOKEN, USER_INFO_REQUEST -> activity(event, event.getIpAddress());
            // Introspection comes from a resource server, so its address says nothing about the device.
            case INTROSPECT_TOKEN -> activity(event, null);
            case LOGOUT -> logout(event);
            case USER_SESSION_DELETED -> AfterCommit.run(session, event.getRealmId(),
                    (s, realm) -> recorder.ended(s, realm, event.getSessionId(), endReason(event), event.getTime()));
            default -> {
            }
        }
    }

    /** Required actions name the session that changed the password in {@code code_id}, not in the session id. */
    private void passwordChanged(Event event) {
        String changingSession = event.getSessionId() != null ? event.getSessionId() : detail(event, Details.CODE_ID);
        PasswordChanges.changed(session, event.getRealmId(), event.getUserId(), changingSession);
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
                maxLifespan < 0 ? null : maxLifespan);
        throttle.written(event.getSessionId(), event.getTime());
        if (createdItsSession(realm, event)) {
            // Something may have recorded the session meanwhile (a password change reconciles): then update that.
            AfterCommit.run(session, event.getRealmId(), (s, r) -> recorder.newSignIn(s, signIn),
                    (s, r) -> recorder.signIn(s, signIn));
        } else {
            AfterCommit.run(session, event.getRealmId(), (s, r) -> recorder.signIn(s, signIn));
        }
    }

    /**
     * Whether the sign-in created its Keycloak session: started this second and holding only the
     * client signed in to. An SSO sign-in to a further client has two client sessions, one to the
     * same client later has an older start.
     */
    private boolean createdItsSession(RealmModel realm, Event event) {
        UserSessionModel userSession = session.sessions().getUserSession(realm, event.getSessionId());
        return userSession != null && userSession.getStarted() >= event.getTime() / 1000 - 1
                && userSession.getAuthenticatedClientSessions().size() == 1;
    }

    private void activity(Event event, String ipAddress) {
        if (!throttle.tryAcquire(event.getSessionId(), event.getTime())) {
            return;
        }
        Activity activity = new Activity(event.getSessionId(), event.getClientId(),
                ipAddress(ipAddress), event.getTime());
        AfterCommit.run(session, event.getRealmId(), (s, realm) -> recorder.activity(s, realm, activity));
    }

    private void logout(Event event) {
        boolean revokedByUs = detail(event, SessionRevoker.END_REASON_DETAIL) != null;
        if (!revokedByUs) {
            AfterCommit.run(session, event.getRealmId(),
                    (s, realm) -> recorder.ended(s, realm, event.getSessionId(), EndReason.LOGGED_OUT, event.getTime()));
        }
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

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        new AdminEvents(session, recorder).on(event);
    }

    @Override
    public void close() {
    }
}
