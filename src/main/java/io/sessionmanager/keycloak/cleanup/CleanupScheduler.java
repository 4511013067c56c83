package io.sessionmanager.keycloak.cleanup;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

import java.time.Duration;

/**
 * Schedules the {@link CleanupTask} once the database is migrated (so the table exists): first
 * run a minute after start, or sooner for shorter intervals, then every interval.
 */
public final class CleanupScheduler {

    private static final Duration FIRST_RUN = Duration.ofMinutes(1);

    private CleanupScheduler() {
    }

    public static void scheduleAfterMigration(KeycloakSessionFactory factory, Duration interval, int batchSize) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                schedule(factory, interval, batchSize);
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

    private static void schedule(KeycloakSessionFactory factory, Duration interval, int batchSize) {
        CleanupTask task = new CleanupTask(batchSize);
        long intervalMillis = interval.toMillis();
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(
                    new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis),
                    Math.min(FIRST_RUN.toMillis(), intervalMillis), intervalMillis);
        }
    }
}
