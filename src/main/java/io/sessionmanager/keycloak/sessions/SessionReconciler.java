package io.sessionmanager.keycloak.sessions;

import io.sessionmanager.keycloak.guard.RestoredCopies;
import io.sessionmanager.keycloak.guard.RevocationMarks;
import io.sessionmanager.keycloak.model.EndReason;
import io.sessionmanager.keycloak.model.KeycloakSessionIds;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionStore;
import io.sessionmanager.keycloak.model.SessionTwins;
import io.sessionmanager.keycloak.model.SessionType;
import io.sessionmanager.keycloak.revoke.SessionRevoker;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.UserSessionProvider;
import org.keycloak.models.utils.SessionExpirationUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes a user's records agree with the sessions Keycloak holds, before they are shown or acted
 * on: a record whose Keycloak sessions are gone is ended, and a Keycloak session without a record
 * gets one. So a list never shows a session Keycloak no longer has, nor misses one it has.
 */
public final class SessionReconciler {

    private static final Logger LOG = Logger.getLogger(SessionReconciler.class);
    private static final int LOOKUPS_BY_ID = 50;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final SessionStore store;

    public SessionReconciler(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = SessionStore.of(session);
    }

    /** The user's live sessions, each backed by an active record. */
    public List<LiveSession> activeSessions(UserModel user) {
        return activeSessions(user, null);
    }

    /**
     * As {@link #activeSessions(UserModel)}, ending the records whose Keycloak sessions are gone
     * with {@code goneReason}, the reason the caller knows they ended for, unless they were past
     * their deadline (expired, whatever happened since); null when unknown (then expired past
     * their deadline, else logged out).
     */
    public List<LiveSession> activeSessions(UserModel user, EndReason goneReason) {
        // Keycloak's database holds online sessions too with persistent user sessions (on by default).
        Optional<KeycloakSessionIds> ids = Profile.isFeatureEnabled(Profile.Feature.PERSISTENT_USER_SESSIONS)
                ? Optional.of(KeycloakSessionIds.read(session, realm.getId(), user.getId())) : Optional.empty();
        Map<String, UserSessionModel> online = keycloakSessions(user, ids, false);
        Map<String, UserSessionModel> offline = keycloakSessions(user, ids, true);
        Set<String> unrecorded = new LinkedHashSet<>(online.keySet());
        unrecorded.addAll(offline.keySet());

        List<LiveSession> live = new ArrayList<>();
        long now = Time.currentTimeMillis();
        for (SessionRecord record : store.findActive(realm.getId(), user.getId())) {
            String id = record.getKeycloakSessionId();
            if (unrecorded.remove(id)) {
                live.add(refreshed(new LiveSession(record, online.get(id), offline.get(id))));
            } else {
                EndReason byKeycloak = endedByKeycloak(record, now);
                store.end(record, goneReason != null && byKeycloak != EndReason.EXPIRED ? goneReason : byKeycloak, now);
            }
        }
        if (!unrecorded.isEmpty()) {
            live.addAll(recordAll(user, unrecorded, online, offline));
        }
        return live;
    }

    /**
     * Settles one active record the way a list would, for the cleanup job: ended when Keycloak no
     * longer holds its session or it sat unused for {@code maxInactivity}; otherwise its activity
     * and hard end are brought up to date from Keycloak. Returns whether it ended.
     */
    public boolean settle(SessionRecord record, SessionRevoker revoker, Duration maxInactivity, long now) {
        SessionTwins twins = SessionTwins.find(session, realm, record.getKeycloakSessionId());
        LiveSession live = new LiveSession(record, twins.online(), twins.offline());
        if (live.online() == null && live.offline() == null) {
            return store.end(record, endedByKeycloak(record, now), now);
        }
        if (live.isInactive(maxInactivity, now)) {
            return revoker.revoke(record, live.online(), live.offline(), EndReason.INACTIVITY);
        }
        record.setLastActive(live.lastActive());
        record.setExpiresAt(live.maxLifespanDeadline(realm));
        return false;
    }

    /**
     * The record of one Keycloak session (its online and offline twins, at least one non-null):
     * the stored one, or one recorded now from Keycloak's session if the listener never saw it.
     */
    public SessionRecord recordOf(SessionTwins twins) {
        UserSessionModel either = twins.either();
        return store.findOwned(realm.getId(), either.getUser().getId(), either.getId())
                .orElseGet(() -> insertAll(List.of(new LiveSession(KeycloakSessionRecords.from(realm, twins.online(),
                        twins.offline()), twins.online(), twins.offline()))).get(0).record());
    }

    /** Brings the stored type and clients up to date; writes only when they changed. */
    private LiveSession refreshed(LiveSession live) {
        SessionRecord record = live.record();
        if (record.getType() != live.type()) {
            record.setType(live.type());
            record.setExpiresAt(live.maxLifespanDeadline(realm));
        }
        record.addClientIds(live.clientIds(realm));
        return live;
    }

    private List<LiveSession> recordAll(UserModel user, Set<String> ids, Map<String, UserSessionModel> online,
                                        Map<String, UserSessionModel> offline) {
        Map<String, SessionRecord> ended = store.findOwned(realm.getId(), user.getId(), ids).stream()
                .collect(Collectors.toMap(SessionRecord::getKeycloakSessionId, Function.identity()));
        List<LiveSession> live = new ArrayList<>();
        List<LiveSession> unrecorded = new ArrayList<>();
        for (String id : ids) {
            SessionRecord record = ended.get(id);
            if (record != null && record.getEndReason() != null && record.getEndReason().isRevocation()) {
                // Revoked, yet back: a request that raced the revocation restored it. Revoked stays revoked.
                RestoredCopies.endAgain(session, realm, record);
                continue;
            }
            // Ended through one of Keycloak's own doors, yet back: the same race. Only the kind that ended goes.
            boolean onlineEnded = RevocationMarks.isRevoked(session, id, false);
            boolean offlineEnded = RevocationMarks.isRevoked(session, id, true);
            if (onlineEnded || offlineEnded) {
                RestoredCopies.endAgain(session, realm, id);
            }
            UserSessionModel onlineLeft = onlineEnded ? null : online.get(id);
            UserSessionModel offlineLeft = offlineEnded ? null : offline.get(id);
            if (onlineLeft == null && offlineLeft == null) {
                continue;
            }
            if (record != null) {
                LOG.warnf("Record %s ended as %s but Keycloak still holds its session; listing it again",
                        record.getId(), record.getStatus());
                record.reactivate();
                live.add(refreshed(new LiveSession(record, onlineLeft, offlineLeft)));
            } else {
                unrecorded.add(new LiveSession(KeycloakSessionRecords.from(realm, onlineLeft, offlineLeft),
                        onlineLeft, offlineLeft));
            }
        }
        insertAll(unrecorded).forEach(inserted -> live.add(refreshed(inserted)));
        return live;
    }

    /**
     * Inserts each record in a transaction of its own, so that losing a race with the listener or
     * another request inserting the same session costs nothing but a re-read; the re-reads are
     * locking ones, as this request's own snapshot may predate those inserts. Every insert comes
     * before the first re-read: on MariaDB a locking read holds InnoDB locks that an insert of the
     * same user's next record, in its own transaction, would wait on until the lock wait timeout.
     * Should a record not show up, its insert's own error is the cause given.
     */
    private List<LiveSession> insertAll(List<LiveSession> unrecorded) {
        Map<String, RuntimeException> failures = new HashMap<>();
        for (LiveSession pending : unrecorded) {
            SessionRecord record = pending.record();
            try {
                RealmTransaction.serverWide(session.getKeycloakSessionFactory(), s -> {
                    SessionStore.of(s).insert(record);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.debugf(e, "Record for a Keycloak session was inserted concurrently");
                failures.put(record.getId(), e);
            }
        }
        return unrecorded.stream().map(pending -> {
            SessionRecord record = pending.record();
            SessionRecord stored = store.findCommittedOwned(record.getRealmId(), record.getUserId(),
                    record.getKeycloakSessionId()).orElseThrow(() -> new IllegalStateException(
                    "Could not record Keycloak session of record " + record.getId(), failures.get(record.getId())));
            return new LiveSession(stored, pending.online(), pending.offline());
        }).toList();
    }

    /** A session Keycloak dropped past its deadline expired; before it, someone logged it out. */
    private EndReason endedByKeycloak(SessionRecord record, long now) {
        long idleDeadline = SessionExpirationUtils.calculateUserSessionIdleTimestamp(
                record.getType() == SessionType.OFFLINE, record.isRememberMe(),
                record.getLastActive(), realm);
        boolean pastMax = record.getExpiresAt() != null && now >= record.getExpiresAt();
        return pastMax || now >= idleDeadline ? EndReason.EXPIRED : EndReason.LOGGED_OUT;
    }

    /**
     * The user's online or offline sessions Keycloak holds and still counts as valid. Where
     * Keycloak's database holds every session and the user has a few, those it lists are looked
     * up by id (Keycloak's cache usually has them, and drops any that expired) instead of loading
     * them all from the database as Keycloak's own list does. Past {@value #LOOKUPS_BY_ID}, one by
     * one costs more than loading them in batches: a session the cache no longer holds is two
     * queries on its own.
     */
    private Map<String, UserSessionModel> keycloakSessions(UserModel user, Optional<KeycloakSessionIds> ids,
                                                           boolean offline) {
        UserSessionProvider sessions = session.sessions();
        Optional<Set<String>> few = ids.map(known -> known.of(offline)).filter(some -> some.size() <= LOOKUPS_BY_ID);
        if (few.isEmpty()) {
            return byId(offline ? sessions.getOfflineUserSessionsStream(realm, user)
                    : sessions.getUserSessionsStream(realm, user));
        }
        return byId(few.get().stream()
                .map(id -> offline ? sessions.getOfflineUserSession(realm, id) : sessions.getUserSession(realm, id))
                .filter(s -> s != null && s.getUser().getId().equals(user.getId())));
    }

    private static Map<String, UserSessionModel> byId(Stream<UserSessionModel> sessions) {
        return sessions.collect(Collectors.toMap(UserSessionModel::getId, Function.identity(), (a, b) -> a));
    }
}
