package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.metrics.SessionMetrics;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.sessions.SessionReconciler;
import io.sessionmanager.keycloak.tx.OriginalRequest;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;

import java.time.Duration;
import java.util.List;

/**
 * Cleans one realm's records: ends active records that sat unused past the realm's
 * {@code maxInactivity}, passed their hard end or lost their Keycloak session, then deletes
 * records ended longer ago than {@code historyRetention}.
 * <p>
 * Sessions it ends are ended within {@code request}, the request that asked for the cleanup or a
 * stand-in for the scheduled one, so clients with a back-channel logout URL are notified.
 * <p>
 * Works in batches, each in a short transaction of its own, so sign-ins go on meanwhile; and it
 * is idempotent: it only ends what is active and only deletes what is past retention, so two
 * nodes running it at once do no harm.
 */
public final class SessionCleanup {

    private final KeycloakSessionFactory factory;
    private final int batchSize;
    private final OriginalRequest request;

    public SessionCleanup(KeycloakSessionFactory factory, int batchSize, OriginalRequest request) {
        this.factory = factory;
        this.batchSize = batchSize;
        this.request = request;
    }

    public CleanupResult clean(String realmId) {
        long started = System.nanoTime();
        boolean finished = false;
        try {
            long now = Time.currentTimeMillis();
            CleanupResult result = new CleanupResult(endStale(realmId, now), deleteExpiredHistory(realmId, now));
            finished = true;
            return result;
        } finally {
            SessionMetrics.cleanupRan(Duration.ofNanos(System.nanoTime() - started), finished);
        }
    }

    private long endStale(String realmId, long now) {
        long ended = 0;
        String afterId = "";
        while (true) {
            Batch batch = inTransaction(realmId, now, afterId);
            SessionMetrics.cleanupRows(batch.ended(), 0);
            ended += batch.ended();
            if (batch.size() < batchSize) {
                return ended;
            }
            afterId = batch.lastId();
        }
    }

    private Batch inTransaction(String realmId, long now, String afterId) {
        return inRealm(realmId).call((s, realm) -> {
            SessionPolicy policy = s.getProvider(SessionManagerConfig.class).policy(realm);
            SessionStore store = SessionStore.of(s);
            List<SessionRecord> stale = store.findStale(realmId,
                    now - policy.maxInactivity().toMillis(), now, afterId, batchSize);
            SessionReconciler reconciler = new SessionReconciler(s, realm);
            SessionRevoker revoker = SessionRevoker.of(s, realm);
            long ended = stale.stream()
                    .filter(record -> reconciler.settle(record, revoker, policy.maxInactivity(), now))
                    .count();
            store.flushAndDetach(stale);
            String lastId = stale.isEmpty() ? afterId : stale.get(stale.size() - 1).getId();
            return new Batch(stale.size(), ended, lastId);
        }).orElse(new Batch(0, 0, afterId));
    }

    private long deleteExpiredHistory(String realmId, long now) {
        long deleted = 0;
        while (true) {
            int batch = inRealm(realmId).call((s, realm) -> {
                SessionPolicy policy = s.getProvider(SessionManagerConfig.class).policy(realm);
                return SessionStore.of(s).deleteEnded(realmId, now - policy.historyRetention().toMillis(), batchSize);
            }).orElse(0);
            SessionMetrics.cleanupRows(0, batch);
            deleted += batch;
            if (batch < batchSize) {
                return deleted;
            }
        }
    }

    /** Within the cleanup's request, so its logouts notify clients; a realm deleted meanwhile took its records along. */
    private RealmTransaction inRealm(String realmId) {
        return new RealmTransaction(factory, realmId, request);
    }

    private record Batch(int size, long ended, String lastId) {
    }
}
