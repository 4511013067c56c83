package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.config.ServerSettings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

import java.util.function.Consumer;


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

    /**
     * Keycloak's timer runs a task every interval, the first time one interval after it was
     * scheduled (an initial delay of its own exists only from Keycloak 26.7). So the task is first
     * scheduled under its name with the initial delay as interval; that first run replaces itself
     * with the real schedule (the timer cancels a task scheduled again under the same name), then
     * cleans up. {@link #cancel} finds it by name in either phase.
     */
    private static void schedule(KeycloakSessionFactory factory, ServerSettings settings) {
        CleanupTask task = new CleanupTask(settings.cleanupBatchSize(), settings.cleanupInterval());
        long intervalMillis = settings.cleanupInterval().toMillis();
        Runnable everyInterval = new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis);
        Runnable first = () -> {
            withTimer(factory, timer -> timer.schedule(everyInterval, intervalMillis, CleanupTask.NAME));
            everyInterval.run();
        };
        withTimer(factory, timer -> timer.schedule(first, settings.cleanupInitialDelay().toMillis(), CleanupTask.NAME));
    }

    private static void withTimer(KeycloakSessionFactory factory, Consumer<TimerProvider> action) {
        try (KeycloakSession session = factory.create()) {
            action.accept(session.getProvider(TimerProvider.class));
        }
    }
}
