package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.config.ServerSettings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;


/**
 * Schedules the {@link CleanupTask} once the database is migrated (so the table exists): first
 * run after the initial delay (a minute by default, not a whole interval), then every interval.
 */
public final class CleanupScheduler {

    private CleanupScheduler() {
    }

    public static void scheduleAfterMigration(KeycloakSessionFactory factory, ServerSettings settings) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                schedule(factory, settings);
            }
        });
    }

    public static void cancel(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.cancelTask(CleanupTask.NAME);
            }
        }
    }

    private static void schedule(KeycloakSessionFactory factory, ServerSettings settings) {
        CleanupTask task = new CleanupTask(settings.cleanupBatchSize(), settings.cleanupInterval());
        long intervalMillis = settings.cleanupInterval().toMillis();
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(
                    new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis),
                    settings.cleanupInitialDelay().toMillis(), intervalMillis);
        }
    }
}
