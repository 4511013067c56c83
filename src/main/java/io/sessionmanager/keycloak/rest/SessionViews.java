package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.config.SessionPolicy;
import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.device.DeviceWords;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.sessions.LiveSession;
import io.sessionmanager.keycloak.sessions.SessionDeadlines;
import org.keycloak.models.RealmModel;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns live sessions and ended records into {@link SessionView}s for one caller. */
final class SessionViews {

    private final RealmModel realm;
    private final SessionPolicy policy;
    private final String currentSessionId;
    private final DeviceWords words;

    /**
     * @param currentSessionId the Keycloak session of the caller, or null when no session is the caller's
     * @param words            the caller's language for device names
     */
    SessionViews(RealmModel realm, SessionPolicy policy, String currentSessionId, DeviceWords words) {
        this.realm = realm;
        this.policy = policy;
        this.currentSessionId = currentSessionId;
        this.words = words;
    }

    /** The caller's current session first, then the most recently active. */
    List<SessionView> active(List<LiveSession> sessions) {
        return inListOrder(sessions, currentSessionId).stream()
                .map(seen -> active(seen.live(), seen.lastActive()))
                .toList();
    }

    /**
     * The sessions in the list's order, each with its last activity read once: Keycloak moves a
     * session's last refresh while it is in use, and a sort that read it again could see it change
     * halfway (the sort then fails).
     */
    static List<Seen> inListOrder(List<LiveSession> sessions, String currentSessionId) {
        return sessions.stream()
                .map(live -> new Seen(live, live.lastActive()))
                .sorted(Comparator.comparing((Seen seen) -> !seen.live().record().getKeycloakSessionId()
                                .equals(currentSessionId))
                        .thenComparing(Seen::lastActive, Comparator.reverseOrder())
                        .thenComparing(seen -> seen.live().record().getId()))
                .toList();
    }

    /** A session and its last activity as read at one moment. */
    record Seen(LiveSession live, long lastActive) {
    }

    SessionView active(LiveSession live) {
        return active(live, live.lastActive());
    }

    private SessionView active(LiveSession live, long lastActive) {
        SessionRecord record = live.record();
        SessionDeadlines deadlines = live.deadlines(realm, policy);
        // The reconciliation already added Keycloak's clients to the record's; resolving them again costs a list.
        return view(record, live.type().name(), new ArrayList<>(record.clientIds()), lastActive,
                deadlines.idleExpiresAt(), deadlines.expiresAt());
    }

    SessionView ended(SessionRecord record) {
        return view(record, record.getType().name(), new ArrayList<>(record.clientIds()), record.getLastActive(),
                null, record.getExpiresAt());
    }

    private SessionView view(SessionRecord record, String type, List<String> clients, long lastActive,
                             Long idleExpiresAt, Long expiresAt) {
        DeviceInfo device = record.getDeviceInfo();
        return new SessionView(
                record.getId(),
                isCurrent(record),
                type,
                record.getStatus().name(),
                device.summary(words),
                new SessionView.DeviceView(device.browser(), device.os(), device.osVersion(), device.device(),
                        device.mobile()),
                record.getUserAgent(),
                record.getIpAddress(),
                record.getLastIpAddress(),
                clients,
                time(record.getCreatedAt()),
                time(lastActive),
                time(idleExpiresAt),
                time(expiresAt),
                time(record.getEndedAt()),
                record.getEndReason() == null ? null : record.getEndReason().name(),
                record.isNewDevice());
    }

    private boolean isCurrent(SessionRecord record) {
        return record.getKeycloakSessionId().equals(currentSessionId);
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
