package io.sessionmanager.keycloak.model;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Every read and write of the extension's tables. Runs in the caller's Keycloak transaction. */
public final class SessionStore {

    /** Whether Keycloak's database is PostgreSQL; the same for the server's lifetime. */
    private static volatile Boolean postgres;

    private final EntityManager em;

    private SessionStore(EntityManager em) {
        this.em = em;
    }

    public static SessionStore of(KeycloakSession session) {
        return new SessionStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    /**
     * Lets this transaction's commit return before PostgreSQL has flushed it to disk
     * ({@code synchronous_commit} off, for this transaction only); elsewhere does nothing. For the
     * listener's records of sign-ins and activity, never for revocations: a crash may lose the
     * last fraction of a second of them, which the next reconciliation rebuilds from Keycloak's
     * sessions, and every sign-in saves waiting for a second disk flush.
     */
    public void commitWithoutWaitingForDisk() {
        if (isPostgres(em)) {
            em.createNativeQuery("set local synchronous_commit to off").executeUpdate();
        }
    }

    private static boolean isPostgres(EntityManager em) {
        Boolean known = postgres;
        if (known == null) {
            known = em.getEntityManagerFactory().unwrap(SessionFactoryImplementor.class)
                    .getJdbcServices().getDialect() instanceof PostgreSQLDialect;
            postgres = known;
        }
        return known;
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

    public Optional<SessionRecord> findByKeycloakSessionId(String keycloakSessionId) {
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .getResultList().stream()
                .findFirst();
    }

    /**
     * A locking read: it sees rows committed after this transaction began even under REPEATABLE
     * READ (MariaDB/MySQL's default), such as one another transaction just inserted.
     */
    public Optional<SessionRecord> findCommittedByKeycloakSessionId(String keycloakSessionId) {
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList().stream()
                .findFirst();
    }

    public List<SessionRecord> findByKeycloakSessionIds(Collection<String> keycloakSessionIds) {
        if (keycloakSessionIds.isEmpty()) {
            return List.of();
        }
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId in :kcIds", SessionRecord.class)
                .setParameter("kcIds", keycloakSessionIds)
                .getResultList();
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
