package io.sessionmanager.keycloak.guard;

import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Finds and ends the copies of an ended session that requests racing its removal restored, also
 * when no event announces them: a request with a bearer token (Keycloak's account or admin REST
 * API) sends none, so only a look finds the copy it keeps alive. After each removal the session is
 * looked up by id a few times in the next seconds, and whatever is found is removed again. A copy
 * can only be restored by a request already under way when the removal committed (later lookups
 * find the mark and read nothing back), so looks spread over the first seconds find them all; the
 * first comes before the one second within which the ending must hold.
 */
final class RestoredCopySweep {

    /** When to look, in milliseconds after the removal. */
    private static final List<Long> LOOKS = List.of(100L, 350L, 750L, 2_000L, 5_000L);
    /** The sweep's own removals are removals too: they start no sweep of their own. */
    private static final ThreadLocal<Boolean> SWEEPING = ThreadLocal.withInitial(() -> false);

    private static ScheduledExecutorService looks;

    private RestoredCopySweep() {
    }

    /** Looks for copies of the session in the coming seconds, on this node. */
    static void schedule(KeycloakSessionFactory factory, String realmId, String keycloakSessionId) {
        if (SWEEPING.get()) {
            return;
        }
        ScheduledExecutorService executor = executor();
        for (long delay : LOOKS) {
            executor.schedule(() -> look(factory, realmId, keycloakSessionId), delay, TimeUnit.MILLISECONDS);
        }
    }

    private static void look(KeycloakSessionFactory factory, String realmId, String keycloakSessionId) {
        SWEEPING.set(true);
        try {
            RestoredCopies.endNow(factory, realmId, keycloakSessionId);
        } finally {
            SWEEPING.set(false);
        }
    }

    private static synchronized ScheduledExecutorService executor() {
        if (looks == null) {
            looks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "session-manager-restored-copy-sweep");
                thread.setDaemon(true);
                return thread;
            });
        }
        return looks;
    }

    static synchronized void stop() {
        if (looks != null) {
            looks.shutdownNow();
            looks = null;
        }
    }
}
