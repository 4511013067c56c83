package io.sessionmanager.keycloak.config;

import org.keycloak.Config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The extension's server options, read once at start-up
 * ({@code --spi-session-manager--default--<option>}): the policy of realms that set none, and when,
 * how often and in what batches the cleanup runs, how long a "This wasn't me" link works.
 */
public record ServerSettings(SessionPolicy defaultPolicy, Duration cleanupInterval, Duration cleanupInitialDelay,
                             int cleanupBatchSize, Duration notMeLinkLifespan) {

    public static final String CLEANUP_INTERVAL = "cleanup-interval";
    public static final String CLEANUP_INITIAL_DELAY = "cleanup-initial-delay";
    public static final String CLEANUP_BATCH_SIZE = "cleanup-batch-size";
    public static final String NOT_ME_LINK_LIFESPAN = "not-me-link-lifespan";

    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofHours(24);
    public static final Duration DEFAULT_CLEANUP_INITIAL_DELAY = Duration.ofMinutes(1);
    public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1000;
    /** Long enough to read the mail the next morning; the link ends one session and asks for a new password. */
    public static final Duration DEFAULT_NOT_ME_LINK_LIFESPAN = Duration.ofHours(24);

    public ServerSettings {
        if (cleanupInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(CLEANUP_INTERVAL + " must be at least PT1S");
        }
        if (cleanupInitialDelay.isNegative()) {
            throw new IllegalArgumentException(CLEANUP_INITIAL_DELAY + " must not be negative");
        }
        if (cleanupBatchSize < 1 || cleanupBatchSize > 100_000) {
            throw new IllegalArgumentException(CLEANUP_BATCH_SIZE + " must be between 1 and 100000");
        }
        if (notMeLinkLifespan.compareTo(Duration.ofSeconds(10)) < 0 || notMeLinkLifespan.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException(NOT_ME_LINK_LIFESPAN + " must be between PT10S and P30D");
        }
    }

    public static ServerSettings from(Config.Scope config) {
        Map<String, Object> options = new HashMap<>();
        for (PolicyField field : PolicyField.values()) {
            Object value = field.kind() == PolicyField.Kind.SWITCH ? config.getBoolean(field.option())
                    : config.get(field.option(), field.oldOption() == null ? null : config.get(field.oldOption()));
            if (value != null) {
                options.put(field.key(), value);
            }
        }
        SessionPolicy policy = SessionPolicy.DEFAULT.with(options);
        return new ServerSettings(policy,
                SessionPolicy.duration(CLEANUP_INTERVAL, config.get(CLEANUP_INTERVAL, DEFAULT_CLEANUP_INTERVAL.toString())),
                SessionPolicy.duration(CLEANUP_INITIAL_DELAY, config.get(CLEANUP_INITIAL_DELAY,
                        DEFAULT_CLEANUP_INITIAL_DELAY.toString())),
                config.getInt(CLEANUP_BATCH_SIZE, DEFAULT_CLEANUP_BATCH_SIZE),
                SessionPolicy.duration(NOT_ME_LINK_LIFESPAN, config.get(NOT_ME_LINK_LIFESPAN,
                        DEFAULT_NOT_ME_LINK_LIFESPAN.toString())));
    }
}
