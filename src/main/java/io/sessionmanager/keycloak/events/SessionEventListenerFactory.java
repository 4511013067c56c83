package io.sessionmanager.keycloak.events;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** The {@value #PROVIDER_ID} event listener; enable it per realm under Realm settings, Events. */
public class SessionEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "session-manager";

    /** Last-active is precise to this much; refreshes within it cost no write. */
    static final long ACTIVITY_INTERVAL_MILLIS = 60_000;

    private final ActivityThrottle throttle = new ActivityThrottle(ACTIVITY_INTERVAL_MILLIS);
    private final SessionRecorder recorder = new SessionRecorder(ACTIVITY_INTERVAL_MILLIS);

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SessionEventListener(session, throttle, recorder);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
