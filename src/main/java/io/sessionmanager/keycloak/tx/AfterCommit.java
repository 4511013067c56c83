package io.sessionmanager.keycloak.tx;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

import java.util.function.BooleanSupplier;

/**
 * Work that runs once the request's transaction has ended: a failed sign-in records nothing, and a
 * failed write never fails the sign-in. On the request's thread, where Keycloak's context still
 * finds the request: a revocation there notifies clients as one made during the request would.
 * Each step runs in a {@link RealmTransaction} of its own; its caller's {@link FailureAccount} says
 * what a failure means.
 */
public final class AfterCommit extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);

    private final RealmTransaction transaction;
    private final RealmTransaction.Task task;
    private final FailureAccount account;
    private final int attempts;
    private final BooleanSupplier condition;
    private final boolean evenOnRollback;

    private AfterCommit(RealmTransaction transaction, RealmTransaction.Task task, FailureAccount account, int attempts,
                        BooleanSupplier condition, boolean evenOnRollback) {
        this.transaction = transaction;
        this.task = task;
        this.account = account;
        this.attempts = attempts;
        this.condition = condition;
        this.evenOnRollback = evenOnRollback;
    }

    /** Runs {@code task} on the realm once the request has committed, and only then. */
    public static void run(KeycloakSession session, String realmId, RealmTransaction.Task task, FailureAccount account) {
        enlist(session, new AfterCommit(RealmTransaction.on(session.getKeycloakSessionFactory(), realmId), task,
                account, 1, () -> true, false));
    }

    /** As {@link #run}, tried up to {@code attempts} times before the failure is accounted for. */
    public static void runRetried(KeycloakSession session, String realmId, int attempts, RealmTransaction.Task task,
                                  FailureAccount account) {
        enlist(session, new AfterCommit(RealmTransaction.on(session.getKeycloakSessionFactory(), realmId), task,
                account, attempts, () -> true, false));
    }

    /**
     * Runs {@code task} once the request has ended, whether it committed or rolled back, and only
     * if {@code condition} holds then; checking it costs no transaction. For work that must happen
     * even after a refused request, such as ending what the request's reads brought back.
     */
    public static void runWhenEndedIf(KeycloakSession session, String realmId, BooleanSupplier condition,
                                      RealmTransaction.Task task, FailureAccount account) {
        enlist(session, new AfterCommit(RealmTransaction.on(session.getKeycloakSessionFactory(), realmId), task,
                account, 1, condition, true));
    }

    /** Runs {@code action}, which needs no transaction (a count, a hand-over to a worker), once the request committed. */
    public static void onCommit(KeycloakSession session, Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    private static void enlist(KeycloakSession session, AfterCommit step) {
        session.getTransactionManager().enlistAfterCompletion(step);
    }

    @Override
    protected void commitImpl() {
        if (!condition.getAsBoolean()) {
            return;
        }
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                transaction.run(task);
                account.succeeded();
                return;
            } catch (RuntimeException e) {
                failure = e;
                LOG.debugf(e, "Work after the request failed (attempt %d of %d)", attempt, attempts);
            }
        }
        account.failed(transaction.realmId(), failure);
    }

    @Override
    protected void rollbackImpl() {
        if (evenOnRollback) {
            commitImpl();
        }
    }
}
