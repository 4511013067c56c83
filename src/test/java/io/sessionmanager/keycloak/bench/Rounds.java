package io.sessionmanager.keycloak.bench;

import java.util.ArrayList;
import java.util.List;

/** One figure measured once per round: the median is the figure, the range across rounds its noise. */
final class Rounds {

    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    double median() {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    int size() {
        return values.size();
    }

    /** This figure over another measured in the same rounds, round by round. */
    Rounds over(Rounds other) {
        Rounds ratios = new Rounds();
        for (int i = 0; i < Math.min(values.size(), other.values.size()); i++) {
            ratios.add(values.get(i) / other.values.get(i));
        }
        return ratios;
    }
}
