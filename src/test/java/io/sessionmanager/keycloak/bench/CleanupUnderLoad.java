package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The cleanup deleting a realm's expired rows (one admin request), and sign-ins elsewhere while it
 * runs against sign-ins at rest just before: {@code cleanup_rows_per_s} and
 * {@code cleanup_login_p99_ratio}, each with the caller's suffix.
 */
final class CleanupUnderLoad {

    private static final int WORKERS = 8;

    private CleanupUnderLoad() {
    }

    /** {@code signIn} gives each worker's sign-in; {@code profiler} wraps the sign-ins during the cleanup. */
    static void measure(TestRealm cleaned, IntFunction<Callable<Boolean>> signIn, Duration rest, String suffix,
                        Figures figures, ListRounds.Profiler profiler) throws Exception {
        Load.Stats atRest = Load.run(WORKERS, rest, signIn);
        long t0 = System.nanoTime();
        CompletableFuture<Http.Reply> cleanup = CompletableFuture.supplyAsync(
                () -> cleaned.admin().post(cleaned.adminApi() + "/cleanup", "", Duration.ofMinutes(60)));
        Load.Stats during = profiler.profiled("cleanup" + suffix.replace('_', '-'),
                () -> Load.runWhile(WORKERS, () -> !cleanup.isDone(), Duration.ofMinutes(60), signIn));
        Http.Reply reply = cleanup.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (reply.status() != 200) {
            throw new IllegalStateException("cleanup answered " + reply.status() + ": " + reply.body());
        }
        long deleted = reply.json().path("deleted").asLong();
        figures.put("cleanup_deleted" + suffix, deleted);
        figures.put("cleanup_rows_per_s" + suffix, deleted / seconds);
        figures.put("login_p99_ms_at_rest" + suffix, atRest.percentileMillis(99));
        figures.put("login_p99_ms_during_cleanup" + suffix, during.percentileMillis(99));
        figures.put("cleanup_login_p99_ratio" + suffix, during.percentileMillis(99) / atRest.percentileMillis(99));
    }
}
