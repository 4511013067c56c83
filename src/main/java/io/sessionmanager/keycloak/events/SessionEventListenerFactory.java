package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** The {@value #PROVIDER_ID} event listener; enable it per realm under Realm settings, Events. */
public class SessionEventListenerFactory implements EventListenerProviderFactory, OnSupportedKeycloak {

    public static final String PROVIDER_ID = "session-manager";

    /**
     * Server option {@code --spi-events-listener--session-manager--activity-interval} (seconds):
     * last-active is precise to this much; refreshes within it cost no write.
     */
    public static final String ACTIVITY_INTERVAL = "activity-interval";
    static final long DEFAULT_ACTIVITY_INTERVAL_SECONDS = 60;

    private ActivityThrottle throttle;
    private SessionRecorder recorder;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SessionEventListener(session, throttle, recorder);
    }

    @Override
    public void init(Config.Scope config) {
        long intervalMillis = config.getLong(ACTIVITY_INTERVAL, DEFAULT_ACTIVITY_INTERVAL_SECONDS) * 1000;
        throttle = new ActivityThrottle(intervalMillis);
        recorder = new SessionRecorder(intervalMillis);
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
