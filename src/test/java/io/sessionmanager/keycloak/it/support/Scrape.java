package io.sessionmanager.keycloak.it.support;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read of a server's {@code /metrics} (Prometheus text format): the value of each of this
 * extension's series. Keycloak's own are skipped: some carry label values long enough to overflow
 * a regular expression's stack.
 */
public final class Scrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final String PREFIX = "keycloak_session_manager_";
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]++|\\\\.)*+)\"");

    private final Map<String, Double> values = new HashMap<>();

    private Scrape(String text) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches()) {
                values.put(key(sample.group(1), labels(sample.group(3))), Double.parseDouble(sample.group(4)));
            }
        }
    }

    public static Scrape of(KeycloakServer server) {
        Http.Reply reply = Http.get(server.managementUrl() + "/metrics", null);
        if (reply.status() != 200) {
            throw new IllegalStateException("/metrics answered " + reply.status());
        }
        return new Scrape(reply.body());
    }

    /** A series' value, 0 if absent; labels as name, value pairs. */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return values.getOrDefault(key(name, wanted), 0.0);
    }

    /** How much a series grew since {@code before}. */
    public double since(Scrape before, String name, String... labels) {
        return value(name, labels) - before.value(name, labels);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new TreeMap<>();
        if (text != null) {
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
        }
        return labels;
    }

    private static String key(String name, Map<String, String> labels) {
        return name + labels;
    }
}
