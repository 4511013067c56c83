package io.sessionmanager.keycloak.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Revocations the session policy demanded that failed even when retried, per realm, on this node
 * since it started. Shown to the realm's admins ({@code GET .../session-manager/status}), so that
 * a policy that did not hold is never silent.
 */
public final class PolicyFailures {

    private static final Map<String, AtomicLong> FAILED = new ConcurrentHashMap<>();

    private PolicyFailures() {
    }

    static void failed(String realmId) {
        FAILED.computeIfAbsent(realmId, id -> new AtomicLong()).incrementAndGet();
    }

    public static long of(String realmId) {
        AtomicLong failed = FAILED.get(realmId);
        return failed == null ? 0 : failed.get();
    }
}
