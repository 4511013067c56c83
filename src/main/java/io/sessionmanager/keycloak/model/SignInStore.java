package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The writes on a sign-in's hot path, in plain JDBC: a new session's record inserted in the
 * sign-in's own transaction, and the new-device question asked in one round trip. Runs in the
 * caller's Keycloak transaction.
 */
public final class SignInStore {

    private static final Logger LOG = Logger.getLogger(SignInStore.class);
    private static final String SAVEPOINT = "sm_record";

    /**
     * Every column a new record's insert writes, with its value, in the order bound; {@code NEW_DEVICE}
     * comes last, as PostgreSQL's insert computes it. A test holds this to the entity's mapping.
     */
    static final Map<String, Function<SessionRecord, Object>> COLUMNS = columns();

    /** A new record's insert up to its last value, {@code NEW_DEVICE}. */
    private static final String INSERT = "insert into SM_SESSION (" + String.join(", ", COLUMNS.keySet())
            + ") values (" + "?, ".repeat(COLUMNS.size() - 1);

    private final Jdbc jdbc;

    private SignInStore(KeycloakSession session) {
        this.jdbc = new Jdbc(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    public static SignInStore of(KeycloakSession session) {
        return new SignInStore(session);
    }

    private static Map<String, Function<SessionRecord, Object>> columns() {
        Map<String, Function<SessionRecord, Object>> columns = new LinkedHashMap<>();
        columns.put("ID", SessionRecord::getId);
        columns.put("REALM_ID", SessionRecord::getRealmId);
        columns.put("USER_ID", SessionRecord::getUserId);
        columns.put("KC_SESSION_ID", SessionRecord::getKeycloakSessionId);
        columns.put("TYPE", r -> r.getType().name());
        columns.put("STATUS", r -> r.getStatus().name());
        columns.put("USER_AGENT", SessionRecord::getUserAgent);
        columns.put("BROWSER", r -> r.getDeviceInfo().browser());
        columns.put("OS", r -> r.getDeviceInfo().os());
        columns.put("OS_VERSION", r -> r.getDeviceInfo().osVersion());
        columns.put("DEVICE", r -> r.getDeviceInfo().device());
        columns.put("MOBILE", r -> r.getDeviceInfo().mobile());
        columns.put("IP_ADDRESS", SessionRecord::getIpAddress);
        columns.put("LAST_IP_ADDRESS", SessionRecord::getLastIpAddress);
        columns.put("CLIENTS", SessionRecord::clientsColumn);
        columns.put("REMEMBER_ME", SessionRecord::isRememberMe);
        columns.put("CREATED_AT", SessionRecord::getCreatedAt);
        columns.put("LAST_ACTIVE", SessionRecord::getLastActive);
        columns.put("EXPIRES_AT", SessionRecord::getExpiresAt);
        columns.put("NEW_DEVICE", SessionRecord::isNewDevice);
        return columns;
    }

    /**
     * Lets this transaction's commit return before PostgreSQL has flushed it to disk
     * ({@code synchronous_commit} off, for this transaction only); elsewhere does nothing. For the
     * listener's records of sign-ins and activity, never for revocations: a crash may lose the
     * last fraction of a second of them, which the next reconciliation rebuilds from Keycloak's
     * sessions, and every sign-in saves waiting for a second disk flush.
     */
    public void commitWithoutWaitingForDisk() {
        if (jdbc.isPostgres()) {
            jdbc.execute("set local synchronous_commit to off");
        }
    }

    /**
     * Inserts the record of a sign-in that created its Keycloak session, in the sign-in's own
     * transaction, its {@code newDevice} found as {@link #isFromNewDevice} does. A sign-in must never
     * fail for its record, so the write runs in a savepoint: should it fail (a record of the session
     * exists after all, the table is broken), the transaction is rolled back to the savepoint and
     * false returned, the sign-in's transaction committing as if the write had never run. Plain JDBC
     * and SQL savepoints: an error raised through JPA would mark Keycloak's whole transaction for
     * rollback, and Agroal refuses JDBC's own savepoint rollback inside a JTA transaction. On
     * PostgreSQL savepoint, check and insert are one round trip; on H2 three. On MariaDB and MySQL a
     * deadlock (a table's metadata lock included) rolls back the whole transaction, savepoints with
     * it, so a sign-in's own transaction is no place for a write that may fail: false at once, and
     * the record is written after the commit.
     */
    public boolean insertNewSignIn(SessionRecord record, long endedSince) {
        if (jdbc.isMySqlFamily()) {
            return false;
        }
        try {
            if (jdbc.isPostgres()) {
                record.setNewDevice(insertReturningNewDevice(record, endedSince));
            } else {
                jdbc.execute("savepoint " + SAVEPOINT);
                record.setNewDevice(isFromNewDevice(record.getRealmId(), record.getUserId(),
                        record.getKeycloakSessionId(), record.getDeviceInfo(), endedSince));
                jdbc.run(connection -> insert(connection, record));
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debugf(e, "Recording a sign-in in its own transaction failed; rolled back to the savepoint");
            jdbc.execute("rollback to savepoint " + SAVEPOINT);
            return false;
        }
    }

    /** PostgreSQL runs every statement of one JDBC call in one round trip. */
    private boolean insertReturningNewDevice(SessionRecord record, long endedSince) {
        NewDeviceQuery newDevice = NewDeviceQuery.of(record.getRealmId(), record.getUserId(),
                record.getKeycloakSessionId(), record.getDeviceInfo(), endedSince);
        return jdbc.run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("savepoint " + SAVEPOINT + "; "
                    + INSERT + "(select not " + newDevice.sameDevice() + " and " + newDevice.anyOther()
                    + ")) returning NEW_DEVICE")) {
                Object[] values = valuesBeforeNewDevice(record);
                Jdbc.bind(insert, values);
                Jdbc.bindAfter(insert, values.length, newDevice.parameters().toArray());
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
        try (PreparedStatement insert = connection.prepareStatement(INSERT + "?)")) {
            Jdbc.bind(insert, COLUMNS.values().stream().map(value -> value.apply(record)).toArray());
            insert.executeUpdate();
        }
        return null;
    }

    private static Object[] valuesBeforeNewDevice(SessionRecord record) {
        return COLUMNS.values().stream().limit(COLUMNS.size() - 1).map(value -> value.apply(record)).toArray();
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
        return jdbc.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + query.sameDevice() + ", "
                    + query.anyOther())) {
                Jdbc.bind(select, query.parameters().toArray());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return !row.getBoolean(1) && row.getBoolean(2);
                }
            }
        });
    }
}
