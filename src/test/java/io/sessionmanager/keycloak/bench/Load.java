package io.sessionmanager.keycloak.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** A closed-loop load: {@code workers} threads each repeat an operation until time is up. */
final class Load {

    private Load() {
    }

    /** What one run measured: successful operations, how long it ran, and their latencies. */
    record Stats(int ok, int failed, double seconds, long[] latenciesNanos) {

        double perSecond() {
            return ok / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    /** Runs until {@code duration} has passed; {@code operation(worker)} gives each worker its task. */
    static Stats run(int workers, Duration duration, IntFunction<Callable<Boolean>> operation) {
        return runWhile(workers, () -> true, duration, operation);
    }

    /** Runs while {@code keepGoing} holds, for at most {@code limit}. */
    static Stats runWhile(int workers, java.util.function.BooleanSupplier keepGoing, Duration limit,
                          IntFunction<Callable<Boolean>> operation) {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Callable<Boolean> task = operation.apply(w);
            results.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                long failed = 0;
                while (System.nanoTime() < deadline && keepGoing.getAsBoolean()) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = task.call();
                    } catch (Exception e) {
                        ok = false;
                    }
                    if (ok) {
                        latencies.add(System.nanoTime() - t0);
                    } else {
                        failed++;
                    }
                }
                long[] out = new long[latencies.size() + 1];
                out[0] = failed;
                for (int i = 0; i < latencies.size(); i++) {
                    out[i + 1] = latencies.get(i);
                }
                return out;
            }));
        }
        List<Long> all = new ArrayList<>();
        int failed = 0;
        try {
            for (Future<long[]> result : results) {
                long[] r = result.get();
                failed += (int) r[0];
                for (int i = 1; i < r.length; i++) {
                    all.add(r[i]);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Stats(all.size(), failed, seconds, all.stream().mapToLong(Long::longValue).toArray());
    }
}
