package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.metrics.SessionMetrics;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.hibernate.Session;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jdbc.ReturningWork;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Every read and write of the extension's tables. Runs in the caller's Keycloak transaction. */
public final class SessionStore {

    private static final Logger LOG = Logger.getLogger(SessionStore.class);
    private static final String SAVEPOINT = "sm_record";

    /** A new record's insert up to its last value, {@code NEW_DEVICE}. */
    private static final String INSERT = "insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS,"
            + " USER_AGENT, BROWSER, OS, OS_VERSION, DEVICE, MOBILE, IP_ADDRESS, LAST_IP_ADDRESS, CLIENTS, REMEMBER_ME,"
            + " CREATED_AT, LAST_ACTIVE, EXPIRES_AT, NEW_DEVICE) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?";

    /** The values {@link #INSERT} binds before {@code NEW_DEVICE}. */
    private static final int INSERT_COLUMNS = 19;

    /** Keycloak's database dialect; the same for the server's lifetime. */
    private static volatile Dialect dialect;

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

    /**
     * MariaDB and MySQL: a deadlock (a table's metadata lock included) rolls back the whole
     * transaction, savepoints with it, so a sign-in's own transaction is no place for a write that
     * may fail; there its record is written after the commit.
     */
    private static boolean isMySqlFamily(EntityManager em) {
        return dialect(em) instanceof MySQLDialect;
    }

    private static boolean isPostgres(EntityManager em) {
        return dialect(em) instanceof PostgreSQLDialect;
    }

    private static Dialect dialect(EntityManager em) {
        Dialect known = dialect;
        if (known == null) {
            known = em.getEntityManagerFactory().unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
            dialect = known;
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

    /**
     * Inserts the record of a sign-in that created its Keycloak session, in the sign-in's own
     * transaction, its {@code newDevice} found as {@link #isFromNewDevice} does. A sign-in must never
     * fail for its record, so the write runs in a savepoint: should it fail (a record of the session
     * exists after all, the table is broken), the transaction is rolled back to the savepoint and
     * false returned, the sign-in's transaction committing as if the write had never run. Plain JDBC
     * and SQL savepoints: an error raised through JPA would mark Keycloak's whole transaction for
     * rollback, and Agroal refuses JDBC's own savepoint rollback inside a JTA transaction. On
     * PostgreSQL savepoint, check and insert are one round trip; on H2 three; on MariaDB and MySQL
     * none: false at once.
     */
    public boolean insertNewSignIn(SessionRecord record, long endedSince) {
        if (isMySqlFamily(em)) {
            return false;
        }
        try {
            if (isPostgres(em)) {
                record.setNewDevice(insertReturningNewDevice(record, endedSince));
            } else {
                jdbc(connection -> execute(connection, "savepoint " + SAVEPOINT));
                record.setNewDevice(isFromNewDevice(record.getRealmId(), record.getUserId(), record.getKeycloakSessionId(),
                        record.getDeviceInfo(), endedSince));
                jdbc(connection -> insert(connection, record));
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debugf(e, "Recording a sign-in in its own transaction failed; rolled back to the savepoint");
            jdbc(connection -> execute(connection, "rollback to savepoint " + SAVEPOINT));
            return false;
        }
    }

    /** PostgreSQL runs every statement of one JDBC call in one round trip. */
    private boolean insertReturningNewDevice(SessionRecord record, long endedSince) {
        NewDeviceQuery newDevice = NewDeviceQuery.of(record.getRealmId(), record.getUserId(),
                record.getKeycloakSessionId(), record.getDeviceInfo(), endedSince);
        return jdbc(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("savepoint " + SAVEPOINT + "; "
                    + INSERT + ", (select not " + newDevice.sameDevice() + " and " + newDevice.anyOther()
                    + ")) returning NEW_DEVICE")) {
                bind(insert, columnValues(record));
                bindAfter(insert, INSERT_COLUMNS, newDevice.parameters().toArray());
                boolean resultSet = insert.execute();
                while (!resultSet) {
                    resultSet = insert.getMoreResults();
                }
                try (ResultSet row = insert.getResultSet()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        });
    }

    private static Void insert(Connection connection, SessionRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT + ", ?)")) {
            bind(insert, columnValues(record));
            bindAfter(insert, INSERT_COLUMNS, record.isNewDevice());
            insert.executeUpdate();
        }
        return null;
    }

    private static Object[] columnValues(SessionRecord record) {
        DeviceInfo device = record.getDeviceInfo();
        return new Object[] {record.getId(), record.getRealmId(), record.getUserId(), record.getKeycloakSessionId(),
                record.getType().name(), record.getStatus().name(), record.getUserAgent(), device.browser(),
                device.os(), device.osVersion(), device.device(), device.mobile(), record.getIpAddress(),
                record.getLastIpAddress(), record.clientsColumn(), record.isRememberMe(), record.getCreatedAt(),
                record.getLastActive(), record.getExpiresAt()};
    }

    /**
     * Whether a sign-in comes from a new device: no other session of the user, active or ended at
     * or after {@code endedSince}, came from the same browser family on the same operating system,
     * yet the user has some other record (a first sign-in is from no new device: there is nothing
     * to tell it from). Both questions in one query, one round trip inside a sign-in.
     */
    public boolean isFromNewDevice(String realmId, String userId, String keycloakSessionId, DeviceInfo device,
                                   long endedSince) {
        NewDeviceQuery query = NewDeviceQuery.of(realmId, userId, keycloakSessionId, device, endedSince);
        return jdbc(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + query.sameDevice() + ", "
                    + query.anyOther())) {
                bind(select, query.parameters().toArray());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return !row.getBoolean(1) && row.getBoolean(2);
                }
            }
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        bindAfter(statement, 0, parameters);
    }

    /** Binds {@code parameters} to the statement's parameters after the first {@code skipped}. */
    private static void bindAfter(PreparedStatement statement, int skipped, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(skipped + i + 1, parameters[i]);
        }
    }

    private static Void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        return null;
    }

    /** JDBC on this transaction's connection, its SQL errors rethrown unchecked. */
    private <T> T jdbc(ReturningWork<T> work) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try {
                return work.execute(connection);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /**
     * The ids of a user's sessions in Keycloak's own table of sessions (with persistent user
     * sessions, Keycloak's default, it holds every session), expired ones included: one indexed
     * query of ids, where loading the sessions as Keycloak's own list does reads their whole rows,
     * their client sessions and a JSON parse of each one's notes.
     */
    public KeycloakSessionIds keycloakSessionIds(String realmId, String userId) {
        return jdbc(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select USER_SESSION_ID, OFFLINE_FLAG"
                    + " from OFFLINE_USER_SESSION where USER_ID = ? and REALM_ID = ?")) {
                bind(select, userId, realmId);
                Set<String> online = new LinkedHashSet<>();
                Set<String> offline = new LinkedHashSet<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ("1".equals(rows.getString(2)) ? offline : online).add(rows.getString(1));
                    }
                }
                return new KeycloakSessionIds(online, offline);
            }
        });
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
