package io.sessionmanager.keycloak.events;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakSessionTask;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Runs a write in a transaction of its own once the request's transaction has committed, and
 * only then: a failed sign-in records nothing, and a failed write never fails the sign-in.
 */
final class AfterCommit extends AbstractKeycloakTransaction {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);

    private final KeycloakSessionFactory factory;
    private final KeycloakSessionTask task;

    private AfterCommit(KeycloakSessionFactory factory, KeycloakSessionTask task) {
        this.factory = factory;
        this.task = task;
    }

    static void run(KeycloakSession session, KeycloakSessionTask task) {
        session.getTransactionManager().enlistAfterCompletion(new AfterCommit(session.getKeycloakSessionFactory(), task));
    }

    @Override
    protected void commitImpl() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, task);
        } catch (RuntimeException e) {
            LOG.warn("Session-manager work after commit failed; the next list of the user's sessions catches up", e);
        }
    }

    @Override
    protected void rollbackImpl() {
    }
}
