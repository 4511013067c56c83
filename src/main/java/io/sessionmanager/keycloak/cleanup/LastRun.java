package io.sessionmanager.keycloak.cleanup;

import io.sessionmanager.keycloak.model.CleanupRun;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Claims the scheduled cleanup's run for this node through the {@link CleanupRun} record, in
 * short transactions of their own so that the other nodes see a claim at once. Every node's
 * timer fires once per interval, at its own moment; only the first to find the last run an
 * interval old runs.
 */
final class LastRun {

    /** Timers may fire a little early; a run this much short of a full interval still counts as due. */
    private static final long TIMER_SLACK_MILLIS = 1000;

    static final String NODE = System.getProperty("jboss.node.name", hostName() + "/" + ProcessHandle.current().pid());

    private final KeycloakSessionFactory factory;
    private final long dueAfterMillis;

    LastRun(KeycloakSessionFactory factory, Duration interval) {
        this.factory = factory;
        this.dueAfterMillis = interval.toMillis() - Math.min(TIMER_SLACK_MILLIS, interval.toMillis() / 10);
    }

    /** Records a run starting now and returns its start, or returns null when another node ran less than an interval ago. */
    Long claim() {
        return RealmTransaction.serverWide(factory, s -> {
            CleanupRun run = SessionStore.of(s).lockCleanupRun();
            long now = Time.currentTimeMillis();
            if (now - run.getStartedAt() < dueAfterMillis) {
                return null;
            }
            run.start(NODE, now);
            return now;
        });
    }

    void finished(long startedAt) {
        RealmTransaction.serverWide(factory, s -> {
            CleanupRun run = SessionStore.of(s).lockCleanupRun();
            if (run.getStartedAt() == startedAt && NODE.equals(run.getNode())) {
                run.finish(Time.currentTimeMillis());
            }
            return null;
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
