package io.sessionmanager.keycloak.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.sessionmanager.keycloak.tx.AfterCommit;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Duration;

/**
 * The extension's meters on Keycloak's Micrometer registry (served at the management port's
 * {@code /metrics} with {@code --metrics-enabled=true}; without it the registry has nothing to
 * report to and counting costs next to nothing). Named as Keycloak names its own
 * ({@code keycloak.user} events become {@code keycloak_user_events_total}); tagged by realm name
 * where Keycloak's user-event metrics are, and by a fixed set of values otherwise, so the number
 * of series stays bounded. What a transaction writes is counted once it commits: a sign-in or an
 * ending that rolled back did not happen.
 */
public final class SessionMetrics {

    private static final String PREFIX = "keycloak.session.manager.";
    private static final MeterRegistry REGISTRY = Metrics.globalRegistry;
    private static final String RACE_GUARD = "race.guard";
    private static final String RACE_GUARD_HELP = "Uses of revoked sessions refused, and revoked sessions ended again";

    private SessionMetrics() {
    }

    /** A sign-in's session got its record, from a device new to the user or not. */
    public static void signInRecorded(KeycloakSession session, RealmModel realm, boolean newDevice) {
        String realmName = realm.getName();
        AfterCommit.onCommit(session, () -> {
            count("signins", "Sign-ins recorded", "realm", realmName);
            if (newDevice) {
                count("new.devices", "Sign-ins from a device new to the user", "realm", realmName);
            }
        });
    }

    /** Records of sessions ended for {@code reason} (an end reason's name), these endings being the ones that won. */
    public static void sessionsEnded(KeycloakSession session, String realmId, String reason, int count) {
        if (count == 0) {
            return;
        }
        RealmModel realm = session.realms().getRealm(realmId);
        String realmName = realm == null ? realmId : realm.getName();
        AfterCommit.onCommit(session, () -> Counter.builder(PREFIX + "sessions.ended")
                .description("Sessions ended, by reason")
                .tags("realm", realmName, "reason", reason)
                .register(REGISTRY).increment(count));
    }

    /** A use of a session this extension revoked was refused: the use raced the revocation. */
    public static void revocationRefused() {
        count(RACE_GUARD, RACE_GUARD_HELP, "action", "refused");
    }

    /** A revoked session that a racing request brought back was ended again. */
    public static void revocationRepeated(KeycloakSession session) {
        AfterCommit.onCommit(session, () -> count(RACE_GUARD, RACE_GUARD_HELP, "action", "repeated"));
    }

    /** The listener failed to write a session's record (the next list catches up). */
    public static void recordWriteFailed() {
        Counter.builder(PREFIX + "write.failures").description("Session records the event listener failed to write")
                .register(REGISTRY).increment();
    }

    /** One realm's cleanup ran: how long it took and whether it finished. */
    public static void cleanupRan(Duration took, boolean finished) {
        Timer.builder(PREFIX + "cleanup").description("Cleanups of a realm's session records")
                .tag("outcome", finished ? "success" : "failure")
                .register(REGISTRY).record(took);
    }

    /** A batch of the cleanup committed, having ended and deleted this many records. */
    public static void cleanupRows(long ended, long deleted) {
        rows("ended", ended);
        rows("deleted", deleted);
    }

    private static void rows(String action, long rows) {
        Counter.builder(PREFIX + "cleanup.rows").description("Session records the cleanup ended or deleted")
                .tag("action", action).register(REGISTRY).increment(rows);
    }

    private static void count(String name, String description, String tag, String value) {
        Counter.builder(PREFIX + name).description(description).tag(tag, value).register(REGISTRY).increment();
    }
}
