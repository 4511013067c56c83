package io.sessionmanager.keycloak.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A count per realm, on this node since it started, for a realm's admins to see
 * ({@code GET .../session-manager/status}). A removed realm's counts go with it.
 */
public final class RealmCounter {

    private static final List<RealmCounter> ALL = new CopyOnWriteArrayList<>();

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private RealmCounter() {
    }

    public static RealmCounter create() {
        RealmCounter counter = new RealmCounter();
        ALL.add(counter);
        return counter;
    }

    public void increment(String realmId) {
        counts.computeIfAbsent(realmId, id -> new AtomicLong()).incrementAndGet();
    }

    public long of(String realmId) {
        AtomicLong count = counts.get(realmId);
        return count == null ? 0 : count.get();
    }

    /** Forgets a removed realm in every counter. */
    public static void forgetRealm(String realmId) {
        ALL.forEach(counter -> counter.counts.remove(realmId));
    }
}
