package io.sessionmanager.keycloak.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * p50 of the extension's list beside Keycloak's own account list for one caller, and beside the
 * floor under both: the cheapest request that authenticates the same bearer token (the
 * extension's answer for a session id that does not exist, a 404). One client, a warm-up of each,
 * then rounds in rotating order; each figure is the median of the rounds' p50s.
 */
final class ListRounds {

    /** Measures one request kind, named for its profile recording. */
    interface Profiler {
        <T> T profiled(String name, Callable<T> measurement) throws Exception;
    }

    private record Kind(String name, String path, int status, Rounds p50s) {
    }

    private ListRounds() {
    }

    /**
     * Puts {@code list_p50_ms}, {@code account_sessions_p50_ms}, their ratio, the floor, and
     * {@code list_above_floor_ratio}: what each list costs above the floor, ours over Keycloak's.
     * Each with {@code suffix}.
     */
    static void measure(BenchClient client, String realm, String bearer, Duration round, int rounds, String suffix,
                        Figures figures, Profiler profiler) throws Exception {
        List<Kind> kinds = List.of(
                new Kind("list-ours", "/realms/" + realm + "/sessions", 200, new Rounds()),
                new Kind("list-keycloak", "/realms/" + realm + "/account/sessions", 200, new Rounds()),
                new Kind("list-floor", "/realms/" + realm + "/sessions/00000000-0000-0000-0000-000000000000", 404,
                        new Rounds()));
        for (Kind kind : kinds) {
            Load.run(1, round, w -> () -> client.get(kind.path(), bearer) == kind.status());
        }
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < kinds.size(); k++) {
                Kind kind = kinds.get((i + k) % kinds.size());
                Load.Stats stats = profiler.profiled(kind.name() + suffix.replace('_', '-') + "-" + i,
                        () -> Load.run(1, round, w -> () -> client.get(kind.path(), bearer) == kind.status()));
                kind.p50s().add(stats.percentileMillis(50));
            }
        }
        figures.put("list_p50_ms" + suffix, kinds.get(0).p50s());
        figures.put("account_sessions_p50_ms" + suffix, kinds.get(1).p50s());
        figures.put("authenticated_floor_p50_ms" + suffix, kinds.get(2).p50s());
        figures.ratio("list_p50_ratio" + suffix, kinds.get(0).p50s(), kinds.get(1).p50s());
        double floor = kinds.get(2).p50s().median();
        figures.put("list_above_floor_ratio" + suffix,
                (kinds.get(0).p50s().median() - floor) / (kinds.get(1).p50s().median() - floor));
    }
}
