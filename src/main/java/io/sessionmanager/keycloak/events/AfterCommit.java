package io.sessionmanager.keycloak.events;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.function.BooleanSupplier;

/**
 * Runs work on a realm in a transaction of its own once the request's transaction has committed,
 * and only then (unless asked for {@link #whenEndedIf either way}): a failed sign-in records
 * nothing, and a failed write never fails the sign-in.
 * It runs on the request's thread, where Keycloak's context still finds the request: a revocation
 * there notifies clients as one made during the request would.
 */
public final class AfterCommit extends AbstractKeycloakTransaction {

    /** Work on one realm, in a session whose context is bound to that realm (Keycloak's stores require it). */
    @FunctionalInterface
    public interface RealmTask {
        void run(KeycloakSession session, RealmModel realm);
    }

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);
    private static final int POLICY_ATTEMPTS = 3;

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final BooleanSupplier condition;
    private final RealmTask task;
    private final boolean evenOnRollback;
    private final int attempts;

    private AfterCommit(KeycloakSessionFactory factory, String realmId, BooleanSupplier condition, RealmTask task,
                        boolean evenOnRollback, int attempts) {
        this.factory = factory;
        this.realmId = realmId;
        this.condition = condition;
        this.task = task;
        this.evenOnRollback = evenOnRollback;
        this.attempts = attempts;
    }

    static void run(KeycloakSession session, String realmId, RealmTask task) {
        session.getTransactionManager().enlistAfterCompletion(new AfterCommit(session.getKeycloakSessionFactory(),
                realmId, () -> true, task, false, 1));
    }

    /**
     * Runs {@code task} once the request has ended, whether it committed or rolled back, and only
     * if {@code condition} holds then; checking it costs no transaction. For work that must happen
     * even after a refused request, such as ending what the request's reads brought back.
     */
    public static void whenEndedIf(KeycloakSession session, String realmId, BooleanSupplier condition,
                                   RealmTask task) {
        session.getTransactionManager().enlistAfterCompletion(new AfterCommit(session.getKeycloakSessionFactory(),
                realmId, condition, task, true, 1));
    }

    /**
     * As {@link #run(KeycloakSession, String, RealmTask)}, for a revocation the realm's policy
     * demands: tried up to {@value #POLICY_ATTEMPTS} times, and if it still fails, logged as an
     * error and counted ({@link PolicyFailures}) where admins see it.
     */
    static void runPolicy(KeycloakSession session, String realmId, RealmTask task) {
        session.getTransactionManager().enlistAfterCompletion(new AfterCommit(session.getKeycloakSessionFactory(),
                realmId, () -> true, task, false, POLICY_ATTEMPTS));
    }

    @Override
    protected void commitImpl() {
        if (!condition.getAsBoolean()) {
            return;
        }
        if (attempts > 1) {
            retry();
            return;
        }
        RuntimeException failure = attempt(task);
        if (failure == null) {
            RecordingFailures.succeeded();
        } else {
            RecordingFailures.failed(realmId, failure);
        }
    }

    private void retry() {
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            failure = attempt(task);
            if (failure == null) {
                return;
            }
            LOG.debugf(failure, "Revocation the session policy demands failed (attempt %d of %d)", attempt, attempts);
        }
        PolicyFailures.failed(realmId);
        LOG.error("Revocation the session policy demands failed " + attempts + " times; the session is refused"
                + " at its next use, but its record may still show it active", failure);
    }

    /** Runs the work in a transaction of its own; returns what made it fail, or null. */
    private RuntimeException attempt(RealmTask work) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                if (realm != null) {
                    s.getContext().setRealm(realm);
                    work.run(s, realm);
                }
            });
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Override
    protected void rollbackImpl() {
        if (evenOnRollback) {
            commitImpl();
        }
    }
}
