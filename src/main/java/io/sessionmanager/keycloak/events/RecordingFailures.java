package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.metrics.RealmCounter;
import io.sessionmanager.keycloak.metrics.SessionMetrics;
import io.sessionmanager.keycloak.tx.FailureAccount;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes of session records that failed after their request committed (the database away, say),
 * per realm, on this node since it started; shown to the realm's admins
 * ({@code GET .../session-manager/status}). The next list of the user's sessions catches up.
 * <p>
 * A database outage fails every sign-in's write: the first failure of a burst is logged with its
 * cause, the rest are only counted, and the first success after it logs how many failed, so an
 * outage is two log lines, not one per request.
 */
public final class RecordingFailures implements FailureAccount {

    static final RecordingFailures ACCOUNT = new RecordingFailures();

    private static final Logger LOG = Logger.getLogger(RecordingFailures.class);
    private static final RealmCounter FAILED = RealmCounter.create();
    private static final AtomicLong IN_BURST = new AtomicLong();

    private RecordingFailures() {
    }

    @Override
    public void failed(String realmId, RuntimeException failure) {
        FAILED.increment(realmId);
        SessionMetrics.recordWriteFailed();
        if (IN_BURST.getAndIncrement() == 0) {
            LOG.warn("Recording a session failed; the next list of the user's sessions catches up. Further failures"
                    + " are counted, not logged, until a write succeeds", failure);
        }
    }

    @Override
    public void succeeded() {
        // Read first: every sign-in ends here, and a plain read does not contend across threads.
        long failed = IN_BURST.get() == 0 ? 0 : IN_BURST.getAndSet(0);
        if (failed > 0) {
            LOG.warnf("Recording sessions works again after %d failed writes", failed);
        }
    }

    public static long of(String realmId) {
        return FAILED.of(realmId);
    }
}
