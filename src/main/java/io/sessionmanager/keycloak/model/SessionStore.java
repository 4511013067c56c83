package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Every read and write of the extension's tables. Runs in the caller's Keycloak transaction. */
public final class SessionStore {

    private static final Logger LOG = Logger.getLogger(SessionStore.class);

    /** Whether Keycloak's database is PostgreSQL; the same for the server's lifetime. */
    private static volatile Boolean postgres;

    private final KeycloakSession session;
    private final EntityManager em;

    private SessionStore(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public static SessionStore of(KeycloakSession session) {
        return new SessionStore(session);
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
        return ended == 1;
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
        return owned(em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList().stream()
                .findFirst(), realmId, userId);
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
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
            SessionStore store = SessionStore.of(s);
            store.findById(id).ifPresent(record -> store.end(record, EndReason.LOGGED_OUT, Time.currentTimeMillis()));
            store.em.createQuery("update SessionRecord r set r.keycloakSessionId = r.id where r.id = :id")
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

    /** Whether the user has a record besides this session's: none means this is their first sign-in. */
    public boolean hasOtherRecord(String realmId, String userId, String keycloakSessionId) {
        return !em.createQuery("select r.id from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                        + " and r.keycloakSessionId <> :kcId", String.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("kcId", keycloakSessionId)
                .setMaxResults(1)
                .getResultList().isEmpty();
    }

    /**
     * Whether another of the user's sessions, active or ended at or after {@code endedSince}, came
     * from the same browser family on the same operating system as {@code device}.
     */
    public boolean hasSessionFromDevice(String realmId, String userId, String keycloakSessionId, DeviceInfo device,
                                        long endedSince) {
        String family = device.browserFamily();
        String query = "select r.id from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                + " and r.keycloakSessionId <> :kcId and (r.status = :active or r.endedAt >= :endedSince)"
                + (family == null ? " and r.browser is null"
                        : " and (r.browser = :family or r.browser like :versioned escape '!')")
                + (device.os() == null ? " and r.os is null" : " and r.os = :os");
        TypedQuery<String> select = em.createQuery(query, String.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("kcId", keycloakSessionId)
                .setParameter("active", SessionStatus.ACTIVE)
                .setParameter("endedSince", endedSince);
        if (family != null) {
            select.setParameter("family", family).setParameter("versioned", family.replaceAll("[!%_]", "!$0") + "/%");
        }
        if (device.os() != null) {
            select.setParameter("os", device.os());
        }
        return !select.setMaxResults(1).getResultList().isEmpty();
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
