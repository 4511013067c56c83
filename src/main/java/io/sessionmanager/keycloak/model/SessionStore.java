package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.metrics.SessionMetrics;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The extension's records through JPA: found, inserted, ended, deleted. Runs in the caller's
 * Keycloak transaction. The sign-in's own insert is {@link SignInStore}'s.
 */
public final class SessionStore {

    private static final Logger LOG = Logger.getLogger(SessionStore.class);
    private final KeycloakSession session;
    private final EntityManager em;

    private SessionStore(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public static SessionStore of(KeycloakSession session) {
        return new SessionStore(session);
    }

    public void insert(SessionRecord record) {
        em.persist(record);
    }

    /**
     * Writes the records' changes now and stops tracking them for the rest of the transaction.
     * When Keycloak commits the removal of many sessions it runs a locking query per session, and
     * Hibernate dirty-checks every tracked entity before each query: with hundreds of our records
     * still tracked, ending a user's sessions grows with the square of their number.
     */
    public void flushAndDetach(Collection<SessionRecord> records) {
        em.flush();
        records.forEach(em::detach);
    }

    /**
     * Ends an active record, the first ending winning: the row is changed only if it is still
     * active when written, so a concurrent ending (a revocation and a logout, say) keeps its
     * reason. Returns whether this ending was the one.
     */
    public boolean end(SessionRecord record, EndReason reason, long at) {
        if (!record.isActive()) {
            return false;
        }
        int ended = em.createQuery("update SessionRecord r set r.status = :status, r.endReason = :reason,"
                        + " r.endedAt = :at where r.id = :id and r.status = :active")
                .setParameter("status", reason.status())
                .setParameter("reason", reason)
                .setParameter("at", at)
                .setParameter("id", record.getId())
                .setParameter("active", SessionStatus.ACTIVE)
                .executeUpdate();
        // Not tracked from here: the row is as written above, or as the other ending wrote it.
        if (em.contains(record)) {
            em.detach(record);
        }
        record.end(reason, at);
        SessionMetrics.sessionsEnded(session, record.getRealmId(), reason.name(), ended);
        return ended == 1;
    }

    /**
     * Gives a record that a list ended as logged out since {@code since} the reason of the
     * revocation that was under way then: a list that finds the Keycloak session gone while the
     * revocation removes it cannot know why it went. Returns whether the record was one.
     */
    public boolean endedWhileRevoking(SessionRecord record, EndReason reason, long since) {
        return em.createQuery("update SessionRecord r set r.status = :status, r.endReason = :reason"
                        + " where r.id = :id and r.endReason = :guessed and r.endedAt >= :since")
                .setParameter("status", reason.status())
                .setParameter("reason", reason)
                .setParameter("id", record.getId())
                .setParameter("guessed", EndReason.LOGGED_OUT)
                .setParameter("since", since)
                .executeUpdate() == 1;
    }

    /**
     * Ends a realm's active records that started before {@code startedBefore}, the first ending
     * winning as in {@link #end}: what Keycloak's realm-wide sign-out ended. Returns how many.
     */
    public int endAllStartedBefore(String realmId, long startedBefore, EndReason reason, long at) {
        int ended = em.createQuery("update SessionRecord r set r.status = :status, r.endReason = :reason,"
                        + " r.endedAt = :at where r.realmId = :realmId and r.status = :active"
                        + " and r.createdAt < :startedBefore")
                .setParameter("status", reason.status())
                .setParameter("reason", reason)
                .setParameter("at", at)
                .setParameter("realmId", realmId)
                .setParameter("active", SessionStatus.ACTIVE)
                .setParameter("startedBefore", startedBefore)
                .executeUpdate();
        SessionMetrics.sessionsEnded(session, realmId, reason.name(), ended);
        return ended;
    }

    /**
     * The user's record of a Keycloak session. Keycloak gives a user session the id of the
     * browser's root authentication session, so an id can come back for another user or realm:
     * a record of it that is not this user's is never theirs; it is ended if still active and
     * gives the id up, keeping its own history.
     */
    public Optional<SessionRecord> findOwned(String realmId, String userId, String keycloakSessionId) {
        return owned(findByKeycloakSessionId(keycloakSessionId), realmId, userId);
    }

    /** The record of a Keycloak session in this realm, whoever's it is. */
    public Optional<SessionRecord> findInRealm(String realmId, String keycloakSessionId) {
        return findByKeycloakSessionId(keycloakSessionId).filter(r -> r.getRealmId().equals(realmId));
    }

    /**
     * As {@link #findOwned}, with a locking read: it sees rows committed after this transaction
     * began even under REPEATABLE READ (MariaDB/MySQL's default), such as one another transaction
     * just inserted.
     */
    public Optional<SessionRecord> findCommittedOwned(String realmId, String userId, String keycloakSessionId) {
        // Someone else's record is not released here: that commits an update of the row this read
        // just locked, from a transaction of its own, which would wait on this one.
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList().stream()
                .filter(r -> r.isOwnedBy(realmId, userId))
                .findFirst();
    }

    private Optional<SessionRecord> owned(Optional<SessionRecord> found, String realmId, String userId) {
        if (found.isPresent() && !found.get().isOwnedBy(realmId, userId)) {
            release(found.get());
            return Optional.empty();
        }
        return found;
    }

    /** The user's records of these Keycloak sessions; records of them that are someone else's are released. */
    public List<SessionRecord> findOwned(String realmId, String userId, Collection<String> keycloakSessionIds) {
        if (keycloakSessionIds.isEmpty()) {
            return List.of();
        }
        List<SessionRecord> found = em.createQuery("select r from SessionRecord r where r.keycloakSessionId in :kcIds",
                        SessionRecord.class)
                .setParameter("kcIds", keycloakSessionIds)
                .getResultList();
        found.stream().filter(r -> !r.isOwnedBy(realmId, userId)).forEach(this::release);
        return found.stream().filter(r -> r.isOwnedBy(realmId, userId)).toList();
    }

    private Optional<SessionRecord> findByKeycloakSessionId(String keycloakSessionId) {
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .getResultList().stream()
                .findFirst();
    }

    /**
     * Its Keycloak session is gone (Keycloak reused the id): ended as logged out if still active,
     * and the id given up, committed at once so that a record for the id's new owner can be inserted.
     */
    private void release(SessionRecord other) {
        LOG.debugf("Keycloak reused the session id of record %s for another user; releasing it", other.getId());
        String id = other.getId();
        RealmTransaction.serverWide(session.getKeycloakSessionFactory(), s -> {
            SessionStore store = SessionStore.of(s);
            store.findById(id).ifPresent(record -> store.end(record, EndReason.LOGGED_OUT, Time.currentTimeMillis()));
            return store.em.createQuery("update SessionRecord r set r.keycloakSessionId = r.id where r.id = :id")
                    .setParameter("id", id)
                    .executeUpdate();
        });
        if (em.contains(other)) {
            em.detach(other);
        }
        other.releaseKeycloakSessionId();
    }

    private Optional<SessionRecord> findById(String id) {
        return Optional.ofNullable(em.find(SessionRecord.class, id));
    }

    public List<SessionRecord> findActive(String realmId, String userId) {
        return em.createQuery("select r from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                        + " and r.status = :status", SessionRecord.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("status", SessionStatus.ACTIVE)
                .getResultList();
    }

    /**
     * A user's sessions that ended at or after {@code endedSince} (the retention still holds them,
     * whether or not the cleanup has run), most recently ended first.
     */
    public List<SessionRecord> findEnded(String realmId, String userId, long endedSince, int first, int max) {
        return em.createQuery("select r from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                        + " and r.status <> :status and r.endedAt >= :endedSince order by r.endedAt desc, r.id",
                        SessionRecord.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("status", SessionStatus.ACTIVE)
                .setParameter("endedSince", endedSince)
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
    }

    /**
     * Active records of a realm unused since {@code inactiveBefore} or past {@code expiredBefore}:
     * candidates for the cleanup, in id order after {@code afterId} so a run never loops.
     */
    public List<SessionRecord> findStale(String realmId, long inactiveBefore, long expiredBefore, String afterId,
                                         int limit) {
        return em.createQuery("select r from SessionRecord r where r.realmId = :realmId and r.status = :status"
                        + " and (r.lastActive < :inactiveBefore or r.expiresAt < :expiredBefore) and r.id > :afterId"
                        + " order by r.id", SessionRecord.class)
                .setParameter("realmId", realmId)
                .setParameter("status", SessionStatus.ACTIVE)
                .setParameter("inactiveBefore", inactiveBefore)
                .setParameter("expiredBefore", expiredBefore)
                .setParameter("afterId", afterId)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Deletes up to {@code limit} records of a realm that ended before {@code endedBefore}; returns how many. */
    public int deleteEnded(String realmId, long endedBefore, int limit) {
        List<String> ids = em.createQuery("select r.id from SessionRecord r where r.realmId = :realmId"
                        + " and r.endedAt < :endedBefore", String.class)
                .setParameter("realmId", realmId)
                .setParameter("endedBefore", endedBefore)
                .setMaxResults(limit)
                .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        // The condition is repeated so that a record reactivated meanwhile is not deleted.
        return em.createQuery("delete from SessionRecord r where r.id in :ids and r.endedAt < :endedBefore")
                .setParameter("ids", ids)
                .setParameter("endedBefore", endedBefore)
                .executeUpdate();
    }

    public void deleteRealm(String realmId) {
        em.createQuery("delete from SessionRecord r where r.realmId = :realmId")
                .setParameter("realmId", realmId)
                .executeUpdate();
    }

    public void deleteUser(String realmId, String userId) {
        em.createQuery("delete from SessionRecord r where r.realmId = :realmId and r.userId = :userId")
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .executeUpdate();
    }

    /** One of the user's sessions by its public id; empty for anyone else's, so ids reveal nothing. */
    public Optional<SessionRecord> findForUser(String realmId, String userId, String id) {
        return Optional.ofNullable(em.find(SessionRecord.class, id))
                .filter(r -> r.getRealmId().equals(realmId) && r.getUserId().equals(userId));
    }

    /** The scheduled cleanup's last run, locked until this transaction ends. */
    public CleanupRun lockCleanupRun() {
        return em.find(CleanupRun.class, CleanupRun.SCHEDULED, LockModeType.PESSIMISTIC_WRITE);
    }

    public CleanupRun findCleanupRun() {
        return em.find(CleanupRun.class, CleanupRun.SCHEDULED);
    }
}
