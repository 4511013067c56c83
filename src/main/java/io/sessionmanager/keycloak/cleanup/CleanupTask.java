package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.revoke.OriginalRequest;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

import java.time.Duration;
import java.util.List;

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
        CleanupResult total = realmIds.stream().map(cleanup::clean).reduce(CleanupResult.NONE, CleanupResult::plus);
        if (total.ended() + total.deleted() > 0) {
            LOG.infof("Session cleanup ended %d and deleted %d session records", total.ended(), total.deleted());
        } else {
            LOG.debug("Session cleanup found nothing to do");
        }
    }

    @Override
    public String getTaskName() {
        return NAME;
    }
}
