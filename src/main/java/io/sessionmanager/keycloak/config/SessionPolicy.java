package io.sessionmanager.keycloak.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A realm's session policy: how long a session may sit unused, how long ended sessions are kept,
 * what a change of sign-in factor (password, OTP, passkey) ends, whether new devices are
 * announced by email, and how recent a user's sign-in must be to end sessions ({@code PT0S}: any).
 */
public record SessionPolicy(Duration maxInactivity, Duration historyRetention,
                            RevokeOnCredentialChange revokeOnCredentialChange, boolean notifyNewDevice,
                            Duration reauthenticateWithin) {

    private static final Duration TEN_YEARS = Duration.ofDays(3650);

    /**
     * Ten minutes to end sessions after signing in: enough to read the list and act in one sitting
     * (after a new-device email, say) without a second prompt; a token of an older sign-in, stolen or
     * left open, must show a factor again first (docs/SECURITY.md, "Asking for a recent sign-in").
     */
    public static final Duration DEFAULT_REAUTHENTICATE_WITHIN = Duration.ofMinutes(10);

    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofDays(7), Duration.ofDays(30),
            RevokeOnCredentialChange.OTHERS, false, DEFAULT_REAUTHENTICATE_WITHIN);

    public SessionPolicy {
        requireWithin(PolicyField.MAX_INACTIVITY.key(), maxInactivity, Duration.ofSeconds(1));
        requireWithin(PolicyField.HISTORY_RETENTION.key(), historyRetention, Duration.ZERO);
        requireWithin(PolicyField.REAUTHENTICATE_WITHIN.key(), reauthenticateWithin, Duration.ZERO);
        if (revokeOnCredentialChange == null) {
            throw new IllegalArgumentException(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.key() + " must be OTHERS, ALL or NONE");
        }
    }

    /** This policy with the given fields replaced, as sent to the admin API; all checked, or nothing changes. */
    public SessionPolicy with(Map<String, ?> changes) {
        SessionPolicy policy = this;
        for (Map.Entry<String, ?> change : underCurrentNames(changes).entrySet()) {
            policy = policy.with(change.getKey(), change.getValue());
        }
        return policy;
    }

    /**
     * The changes with the old name of the sign-in factor field taken as the new one. A client that
     * reads the policy and sends it back changed sends both names, and has changed the one it knows:
     * the name whose value differs from the policy's wins. Two different changes are refused.
     */
    private Map<String, ?> underCurrentNames(Map<String, ?> changes) {
        String oldName = PolicyField.OLD_REVOKE_NAME;
        String newName = PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.key();
        if (!changes.containsKey(oldName)) {
            return changes;
        }
        Object old = changes.get(oldName);
        Object current = changes.containsKey(newName) ? changes.get(newName) : old;
        String kept = revokeOnCredentialChange.name();
        if (!Objects.equals(old, current) && !kept.equals(old) && !kept.equals(current)) {
            throw new IllegalArgumentException(oldName + " is the old name of " + newName + ": send one value for both");
        }
        Map<String, Object> renamed = new HashMap<>(changes);
        renamed.remove(oldName);
        renamed.put(newName, kept.equals(current) ? old : current);
        return renamed;
    }

    private SessionPolicy with(String name, Object value) {
        PolicyField field = PolicyField.named(name);
        return switch (field) {
            case MAX_INACTIVITY -> new SessionPolicy(duration(name, value), historyRetention,
                    revokeOnCredentialChange, notifyNewDevice, reauthenticateWithin);
            case HISTORY_RETENTION -> new SessionPolicy(maxInactivity, duration(name, value),
                    revokeOnCredentialChange, notifyNewDevice, reauthenticateWithin);
            case REVOKE_ON_CREDENTIAL_CHANGE -> new SessionPolicy(maxInactivity, historyRetention,
                    revokeOnCredentialChange(value), notifyNewDevice, reauthenticateWithin);
            case NOTIFY_NEW_DEVICE -> new SessionPolicy(maxInactivity, historyRetention, revokeOnCredentialChange,
                    bool(name, value), reauthenticateWithin);
            case REAUTHENTICATE_WITHIN -> new SessionPolicy(maxInactivity, historyRetention, revokeOnCredentialChange,
                    notifyNewDevice, duration(name, value));
        };
    }

    /** The policy as the admin API shows it, every field under its name, the renamed one under both. */
    public Map<String, Object> toMap() {
        Map<String, Object> fields = new HashMap<>();
        for (PolicyField field : PolicyField.values()) {
            fields.put(field.key(), field.valueIn(this));
        }
        fields.put(PolicyField.OLD_REVOKE_NAME, revokeOnCredentialChange.name());
        return Map.copyOf(fields);
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
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration such as \"P7D\", not \"" + text + "\"");
        }
        // Whole seconds: what the admin console's number and unit can show, and save back unchanged.
        if (duration.getNano() != 0) {
            throw new IllegalArgumentException(field + " must be a whole number of seconds, not \"" + text + "\"");
        }
        return duration;
    }

    public static RevokeOnCredentialChange revokeOnCredentialChange(Object value) {
        for (RevokeOnCredentialChange option : RevokeOnCredentialChange.values()) {
            if (option.name().equals(value)) {
                return option;
            }
        }
        throw new IllegalArgumentException(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.key() + " must be OTHERS, ALL or NONE");
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
