package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.alert.NewDeviceAlert;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.metrics.SessionMetrics;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.model.SessionTwins;
import io.sessionmanager.keycloak.model.SignInStore;
import io.sessionmanager.keycloak.sessions.KeycloakSessionRecords;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Collections;
import java.util.Optional;

/**
 * The listener's writes: a new session's record in the sign-in's own transaction, everything else
 * in a transaction of its own after the request committed.
 */
final class SessionRecorder {

    private final long activityIntervalMillis;

    SessionRecorder(long activityIntervalMillis) {
        this.activityIntervalMillis = activityIntervalMillis;
    }

    /** A new session gets a record; a sign-in to another client with the same session adds that client. */
    void signIn(KeycloakSession s, SignIn signIn) {
        SessionStore store = SessionStore.of(s);
        SignInStore.of(s).commitWithoutWaitingForDisk();
        Optional<SessionRecord> existing = store.findOwned(signIn.realmId(), signIn.userId(),
                signIn.keycloakSessionId());
        if (existing.isPresent()) {
            touch(existing.get(), signIn.clientId(), signIn.ipAddress(), signIn.at());
        } else {
            insert(s, store, signIn);
        }
    }

    /**
     * Records a sign-in that created its Keycloak session in the sign-in's own transaction: one
     * insert, no transaction of its own, no look for a record first. Inside a savepoint, so that a
     * failed write (a record of the session exists after all, the table is broken) leaves the
     * sign-in as it was; returns false then, for the caller to record it after the commit instead.
     */
    boolean newSignIn(KeycloakSession s, RealmModel realm, SignIn signIn) {
        SessionRecord record = newRecord(signIn);
        boolean inserted = SignInStore.of(s).insertNewSignIn(record, endedSince(s, realm, signIn));
        if (inserted) {
            RecordingFailures.ACCOUNT.succeeded();
            SessionMetrics.signInRecorded(s, realm, record.isNewDevice());
            alertIfNewDevice(s, realm, record, signIn);
        }
        return inserted;
    }

    private static void insert(KeycloakSession s, SessionStore store, SignIn signIn) {
        SessionRecord record = newRecord(signIn);
        RealmModel realm = s.getContext().getRealm();
        record.setNewDevice(fromNewDevice(s, realm, signIn));
        store.insert(record);
        SessionMetrics.signInRecorded(s, realm, record.isNewDevice());
        alertIfNewDevice(s, realm, record, signIn);
    }

    private static SessionRecord newRecord(SignIn signIn) {
        SessionRecord record = SessionRecord.newActive(signIn.realmId(), signIn.userId(), signIn.keycloakSessionId(),
                signIn.at());
        record.setUserAgent(signIn.userAgent());
        record.setDeviceInfo(signIn.device());
        record.setIpAddress(signIn.ipAddress());
        record.setLastIpAddress(signIn.ipAddress());
        record.setRememberMe(signIn.rememberMe());
        record.setExpiresAt(signIn.expiresAt());
        record.addClientIds(Collections.singletonList(signIn.clientId()));
        return record;
    }

    private static void alertIfNewDevice(KeycloakSession s, RealmModel realm, SessionRecord record, SignIn signIn) {
        if (record.isNewDevice()) {
            NewDeviceAlert.afterCommit(s, realm, record, signIn.clientId(), signIn.serverUri());
        }
    }

    /** Whether the sign-in's device is new to the user, looking back as far as the realm keeps history. */
    private static boolean fromNewDevice(KeycloakSession s, RealmModel realm, SignIn signIn) {
        return SignInStore.of(s).isFromNewDevice(signIn.realmId(), signIn.userId(), signIn.keycloakSessionId(), signIn.device(),
                endedSince(s, realm, signIn));
    }

    /** Sessions ended before this are forgotten, so their devices are too. */
    private static long endedSince(KeycloakSession s, RealmModel realm, SignIn signIn) {
        return signIn.at() - s.getProvider(SessionManagerConfig.class).policy(realm).historyRetention().toMillis();
    }

    /** Moves last-active forward at most once per interval; a session never seen gets its record here. */
    void activity(KeycloakSession s, RealmModel realm, Activity activity) {
        SessionStore store = SessionStore.of(s);
        SignInStore.of(s).commitWithoutWaitingForDisk();
        Optional<SessionRecord> existing = store.findOwned(activity.realmId(), activity.userId(),
                activity.keycloakSessionId());
        if (existing.isPresent()) {
            SessionRecord record = existing.get();
            if (activity.at() - record.getLastActive() >= activityIntervalMillis) {
                touch(record, activity.clientId(), activity.ipAddress(), activity.at());
            }
            return;
        }
        SessionTwins twins = SessionTwins.find(s, realm, activity.keycloakSessionId());
        if (twins.online() != null && twins.online().getUser().getId().equals(activity.userId())
                || twins.offline() != null && twins.offline().getUser().getId().equals(activity.userId())) {
            SessionRecord record = KeycloakSessionRecords.from(realm, twins.online(), twins.offline());
            touch(record, activity.clientId(), activity.ipAddress(), activity.at());
            store.insert(record);
        }
    }

    /**
     * Keycloak ended a session by itself (a logout, expiry, an admin's sign-out); the record
     * follows once neither twin is left: a logout leaves the offline session with the same id alive.
     * The user is null where Keycloak does not say (an admin's sign-out of one session).
     */
    void ended(KeycloakSession s, RealmModel realm, String userId, String keycloakSessionId, EndReason reason,
               long at) {
        if (!SessionTwins.find(s, realm, keycloakSessionId).isEmpty()) {
            return;
        }
        SessionStore store = SessionStore.of(s);
        Optional<SessionRecord> record = userId == null ? store.findInRealm(realm.getId(), keycloakSessionId)
                : store.findOwned(realm.getId(), userId, keycloakSessionId);
        record.ifPresent(r -> store.end(r, reason, at));
    }

    private static void touch(SessionRecord record, String clientId, String ipAddress, long at) {
        if (!record.isActive()) {
            return;
        }
        record.setLastActive(Math.max(record.getLastActive(), at));
        if (ipAddress != null) {
            record.setLastIpAddress(ipAddress);
        }
        if (clientId != null) {
            record.addClientIds(Collections.singletonList(clientId));
        }
    }
}
