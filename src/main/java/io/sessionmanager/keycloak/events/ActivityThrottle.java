package io.sessionmanager.keycloak.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets activity of a session through to the database at most once per interval on this node, so
 * that token refreshes do not each cost a write. Only an optimisation: the store checks the
 * interval again, so several nodes never write more than once per interval each.
 * Memory is bounded by the sessions active in the last two intervals: older entries are dropped
 * a whole generation at a time.
 */
final class ActivityThrottle {

    private final long intervalMillis;
    private volatile Map<String, Long> current = new ConcurrentHashMap<>();
    private volatile Map<String, Long> previous = Map.of();
    private volatile long generationStart;

    ActivityThrottle(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** Whether activity at {@code now} should be written; if so, it counts as written. */
    boolean tryAcquire(String sessionId, long now) {
        rotateIfDue(now);
        Long last = current.get(sessionId);
        if (last == null) {
            last = previous.get(sessionId);
        }
        if (last != null && now - last < intervalMillis) {
            return false;
        }
        current.put(sessionId, now);
        return true;
    }

    /** Notes a write that happened anyway, such as the sign-in itself. */
    void written(String sessionId, long now) {
        rotateIfDue(now);
        current.put(sessionId, now);
    }

    int size() {
        return current.size() + previous.size();
    }

    private void rotateIfDue(long now) {
        if (now - generationStart < intervalMillis) {
            return;
        }
        synchronized (this) {
            if (now - generationStart >= intervalMillis) {
                previous = current;
                current = new ConcurrentHashMap<>();
                generationStart = now;
            }
        }
    }
}
