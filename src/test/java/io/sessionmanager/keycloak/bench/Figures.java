package io.sessionmanager.keycloak.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's figures: each printed on a line as it is measured and kept for results.json.
 * A figure measured in rounds is printed with its range across rounds beside it, and kept with a
 * {@code _spread} key, so that a reader can tell a real difference from noise.
 */
final class Figures {

    private final Map<String, Object> results = new LinkedHashMap<>();

    void put(String name, double value) {
        System.out.printf("%-40s %12.3f%n", name, value);
        results.put(name, value);
    }

    void put(String name, Rounds rounds) {
        put(name, rounds.median(), rounds);
    }

    /**
     * A ratio of two figures measured in the same rounds: the ratio of their medians, with the
     * range of the round-by-round ratios beside it.
     */
    void ratio(String name, Rounds numerator, Rounds denominator) {
        put(name, numerator.median() / denominator.median(), numerator.over(denominator));
    }

    private void put(String name, double value, Rounds rounds) {
        System.out.printf("%-40s %12.3f   (%.3f to %.3f over %d rounds)%n", name, value, rounds.min(), rounds.max(),
                rounds.size());
        results.put(name, value);
        results.put(name + "_spread", List.of(rounds.min(), rounds.max()));
    }

    void record(String name, Object value) {
        results.put(name, value);
    }

    Map<String, Object> results() {
        return results;
    }
}
