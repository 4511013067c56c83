package io.sessionmanager.keycloak.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A realm's session policy: how long a session may sit unused, how long ended sessions are kept,
 * what a password change ends, and whether new devices are announced by email.
 */
public record SessionPolicy(Duration maxInactivity, Duration historyRetention,
                            RevokeOnPasswordChange revokeOnPasswordChange, boolean notifyNewDevice) {

    public static final String MAX_INACTIVITY = "maxInactivity";
    public static final String HISTORY_RETENTION = "historyRetention";
    public static final String REVOKE_ON_PASSWORD_CHANGE = "revokeOnPasswordChange";
    public static final String NOTIFY_NEW_DEVICE = "notifyNewDevice";

    private static final Duration TEN_YEARS = Duration.ofDays(3650);

    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofDays(7), Duration.ofDays(30),
            RevokeOnPasswordChange.OTHERS, false);

    public SessionPolicy {
        requireWithin(MAX_INACTIVITY, maxInactivity, Duration.ofSeconds(1));
        requireWithin(HISTORY_RETENTION, historyRetention, Duration.ZERO);
        if (revokeOnPasswordChange == null) {
            throw new IllegalArgumentException(REVOKE_ON_PASSWORD_CHANGE + " must be OTHERS, ALL or NONE");
        }
    }

    /** This policy with the given fields replaced, as sent to the admin API; all checked, or nothing changes. */
    public SessionPolicy with(Map<String, ?> changes) {
        SessionPolicy policy = this;
        for (Map.Entry<String, ?> change : changes.entrySet()) {
            policy = policy.with(change.getKey(), change.getValue());
        }
        return policy;
    }

    private SessionPolicy with(String field, Object value) {
        return switch (field) {
            case MAX_INACTIVITY -> new SessionPolicy(duration(field, value), historyRetention, revokeOnPasswordChange,
                    notifyNewDevice);
            case HISTORY_RETENTION -> new SessionPolicy(maxInactivity, duration(field, value), revokeOnPasswordChange,
                    notifyNewDevice);
            case REVOKE_ON_PASSWORD_CHANGE -> new SessionPolicy(maxInactivity, historyRetention,
                    revokeOnPasswordChange(value), notifyNewDevice);
            case NOTIFY_NEW_DEVICE -> new SessionPolicy(maxInactivity, historyRetention, revokeOnPasswordChange,
                    bool(field, value));
            default -> throw new IllegalArgumentException("Unknown field '" + field + "'");
        };
    }

    /** The policy as the admin API shows it, durations in ISO-8601 ("P7D"). */
    public Map<String, Object> toMap() {
        return Map.of(MAX_INACTIVITY, format(maxInactivity), HISTORY_RETENTION, format(historyRetention),
                REVOKE_ON_PASSWORD_CHANGE, revokeOnPasswordChange.name(), NOTIFY_NEW_DEVICE, notifyNewDevice);
    }

    /** ISO-8601 in whole days when it is whole days ("P7D" rather than "PT168H"). */
    public static String format(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0
                ? "P" + duration.toDays() + "D" : duration.toString();
    }

    public static Duration duration(String field, Object value) {
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration such as \"P7D\"");
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration such as \"P7D\", not \"" + text + "\"");
        }
    }

    public static RevokeOnPasswordChange revokeOnPasswordChange(Object value) {
        for (RevokeOnPasswordChange option : RevokeOnPasswordChange.values()) {
            if (option.name().equals(value)) {
                return option;
            }
        }
        throw new IllegalArgumentException(REVOKE_ON_PASSWORD_CHANGE + " must be OTHERS, ALL or NONE");
    }

    private static boolean bool(String field, Object value) {
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return b;
    }

    private static void requireWithin(String field, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(TEN_YEARS) > 0) {
            throw new IllegalArgumentException(field + " must be between " + format(min) + " and " + format(TEN_YEARS));
        }
    }
}
