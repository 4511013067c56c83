package io.sessionmanager.keycloak.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The fields of a realm's {@link SessionPolicy}, each defined once: its name (in the admin API, the
 * realm's attributes and the admin console's form), its server option, its kind, and how a text
 * (an attribute, a form field) becomes the value the policy takes.
 */
public enum PolicyField {

    MAX_INACTIVITY("maxInactivity", Kind.DURATION),
    HISTORY_RETENTION("historyRetention", Kind.DURATION),
    REVOKE_ON_CREDENTIAL_CHANGE("revokeOnCredentialChange", Kind.CHOICE),
    NOTIFY_NEW_DEVICE("notifyNewDevice", Kind.SWITCH),
    REAUTHENTICATE_WITHIN("reauthenticateWithin", Kind.DURATION);

    /** The old name of {@link #REVOKE_ON_CREDENTIAL_CHANGE}, from when it covered passwords only: still read and shown. */
    public static final String OLD_REVOKE_NAME = "revokeOnPasswordChange";

    /** What a field holds: an ISO-8601 duration, one of {@link RevokeOnCredentialChange}'s options, or a switch. */
    public enum Kind {
        DURATION, CHOICE, SWITCH
    }

    private final String key;
    private final Kind kind;

    PolicyField(String key, Kind kind) {
        this.key = key;
        this.kind = kind;
    }

    /** Its name in the admin API and, prefixed, in the realm's attributes. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** Its server option, {@code --spi-session-manager--default--<option>}: the name in kebab case. */
    public String option() {
        return kebab(key);
    }

    /** The server option of its old name, still read when the new one is not set; null for the others. */
    public String oldOption() {
        return this == REVOKE_ON_CREDENTIAL_CHANGE ? kebab(OLD_REVOKE_NAME) : null;
    }

    /**
     * Its name in the admin console's form. The sign-in factor field keeps its old name there: forms
     * saved before the rename hold it under that name, and the console would show the server's
     * default in their place.
     */
    public String formName() {
        return this == REVOKE_ON_CREDENTIAL_CHANGE ? OLD_REVOKE_NAME : key;
    }

    /** A duration's second field in the admin console's form: the unit of the number in {@link #formName()}. */
    public String unitFormName() {
        return formName() + "Unit";
    }

    /** The message key of its label in the admin console; its help text's key ends in {@code Help}. */
    public String label() {
        return "sessionManager" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    /** Its value in {@code policy}, as the admin API shows it (durations in ISO-8601, "P7D"). */
    public Object valueIn(SessionPolicy policy) {
        return switch (this) {
            case MAX_INACTIVITY, HISTORY_RETENTION, REAUTHENTICATE_WITHIN -> SessionPolicy.format(durationIn(policy));
            case REVOKE_ON_CREDENTIAL_CHANGE -> policy.revokeOnCredentialChange().name();
            case NOTIFY_NEW_DEVICE -> policy.notifyNewDevice();
        };
    }

    /** A duration field's value in {@code policy}. */
    Duration durationIn(SessionPolicy policy) {
        return switch (this) {
            case MAX_INACTIVITY -> policy.maxInactivity();
            case HISTORY_RETENTION -> policy.historyRetention();
            case REAUTHENTICATE_WITHIN -> policy.reauthenticateWithin();
            default -> throw new IllegalStateException(key + " is not a duration");
        };
    }

    /**
     * A stored or typed text as the policy takes it: a switch's "true" or "false" as a boolean, a
     * choice as the admin console's list shows it ("Every other session") as its name ("OTHERS"),
     * anything else as it is, for the policy to check (and refuse).
     */
    public Object fromText(String text) {
        return switch (kind) {
            case DURATION -> text;
            case CHOICE -> Arrays.stream(RevokeOnCredentialChange.values())
                    .filter(option -> option.shown().equals(text)).findFirst()
                    .<Object>map(Enum::name).orElse(text);
            case SWITCH -> switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> text;
            };
        };
    }

    /** The field of this name. */
    public static PolicyField named(String name) {
        return Arrays.stream(values()).filter(field -> field.key.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown field '" + name + "'"));
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }
}
