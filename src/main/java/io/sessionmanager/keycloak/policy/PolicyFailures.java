package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.metrics.RealmCounter;
import io.sessionmanager.keycloak.tx.AfterCommit;
import io.sessionmanager.keycloak.tx.FailureAccount;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

/**
 * Revocations the session policy demanded that failed even when retried, per realm, on this node
 * since it started: logged as errors and shown to the realm's admins
 * ({@code GET .../session-manager/status}), so that a policy that did not hold is never silent.
 */
public final class PolicyFailures implements FailureAccount {

    /** How often a revocation the policy demands is tried after the request before it counts as failed. */
    private static final int ATTEMPTS = 3;
    private static final PolicyFailures ACCOUNT = new PolicyFailures();

    private static final Logger LOG = Logger.getLogger(PolicyFailures.class);
    private static final RealmCounter FAILED = RealmCounter.create();

    private PolicyFailures() {
    }

    /** Runs a revocation the policy demands once the request has committed, retried, its failure accounted for here. */
    static void afterCommit(KeycloakSession session, String realmId, RealmTransaction.Task task) {
        AfterCommit.runRetried(session, realmId, ATTEMPTS, task, ACCOUNT);
    }

    /** Runs a revocation the policy demands once the request has ended, even after a refused request. */
    static void whenEnded(KeycloakSession session, String realmId, RealmTransaction.Task task) {
        AfterCommit.runWhenEndedIf(session, realmId, () -> true, task, ACCOUNT);
    }

    @Override
    public void failed(String realmId, RuntimeException failure) {
        FAILED.increment(realmId);
        LOG.error("Revocation the session policy demands failed; the session is refused at its next use, but its"
                + " record may still show it active", failure);
    }

    public static long of(String realmId) {
        return FAILED.of(realmId);
    }
}
