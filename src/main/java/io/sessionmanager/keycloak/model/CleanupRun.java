package io.sessionmanager.keycloak.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * When and where the scheduled cleanup last started and finished. Keycloak's cluster lock only
 * keeps two nodes from running a task at the same moment; this record, locked while a node
 * claims a run, keeps the cleanup to once per interval across the cluster.
 */
@Entity
@Table(name = "SM_CLEANUP_RUN")
public class CleanupRun {

    /** The id of the one row, created by the changelog. */
    public static final String SCHEDULED = "scheduled";

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "NODE", length = 255)
    private String node;

    /** Epoch millis; 0 before the first run. */
    @Column(name = "STARTED_AT", nullable = false)
    private long startedAt;

    /** Null while a run is under way, or when the last one did not finish. */
    @Column(name = "FINISHED_AT")
    private Long finishedAt;

    protected CleanupRun() {
    }

    public String getNode() {
        return node;
    }

    public long getStartedAt() {
        return startedAt;
    }

    public Long getFinishedAt() {
        return finishedAt;
    }

    public boolean hasRun() {
        return startedAt > 0;
    }

    public void start(String node, long at) {
        this.node = node;
        this.startedAt = at;
        this.finishedAt = null;
    }

    public void finish(long at) {
        this.finishedAt = at;
    }
}
