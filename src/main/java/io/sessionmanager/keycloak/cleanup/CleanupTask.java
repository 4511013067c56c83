package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.tx.OriginalRequest;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The scheduled cleanup of every realm. Run by Keycloak's {@code ClusterAwareScheduledTaskRunner},
 * which lets one node at a time run it (its class name is that lock's key), and by {@link LastRun}
 * only once per interval across the cluster.
 */
public final class CleanupTask implements ScheduledTask {

    public static final String NAME = "session-manager-cleanup";

    private static final Logger LOG = Logger.getLogger(CleanupTask.class);

    private final int batchSize;
    private final Duration interval;

    public CleanupTask(int batchSize, Duration interval) {
        this.batchSize = batchSize;
        this.interval = interval;
    }

    @Override
    public void run(KeycloakSession session) {
        LastRun lastRun = new LastRun(session.getKeycloakSessionFactory(), interval);
        Long startedAt = lastRun.claim();
        if (startedAt == null) {
            LOG.debug("Session cleanup ran on another node less than an interval ago");
            return;
        }
        cleanAllRealms(session);
        lastRun.finished(startedAt);
    }

    private void cleanAllRealms(KeycloakSession session) {
        List<String> realmIds = session.realms().getRealmsStream().map(RealmModel::getId).toList();
        SessionCleanup cleanup = new SessionCleanup(session.getKeycloakSessionFactory(), batchSize, OriginalRequest.background());
        CleanupResult total = eachRealm(realmIds, cleanup::clean);
        if (total.ended() + total.deleted() > 0) {
            LOG.infof("Session cleanup ended %d and deleted %d session records", total.ended(), total.deleted());
        } else {
            LOG.debug("Session cleanup found nothing to do");
        }
    }

    /**
     * Cleans realm after realm, each on its own: one that fails (deleted meanwhile, or whatever
     * else) is logged and skipped, and never keeps the others from being cleaned this interval.
     */
    static CleanupResult eachRealm(List<String> realmIds, Function<String, CleanupResult> clean) {
        CleanupResult total = CleanupResult.NONE;
        for (String realmId : realmIds) {
            try {
                total = total.plus(clean.apply(realmId));
            } catch (RuntimeException e) {
                LOG.warnf(e, "Session cleanup of realm %s failed; the other realms are cleaned", realmId);
            }
        }
        return total;
    }

    @Override
    public String getTaskName() {
        return NAME;
    }
}
