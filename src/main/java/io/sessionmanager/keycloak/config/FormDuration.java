package io.sessionmanager.keycloak.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A duration as the admin console's tab shows it: a whole number and a unit, as Keycloak's own
 * Sessions tab does ("7" "days" rather than "P7D"). A duration is shown in the largest unit that
 * holds it whole, so that saving the tab unchanged changes nothing.
 */
record FormDuration(long amount, Unit unit) {

    /** The units the tab offers, as its list shows them. */
    enum Unit {
        SECONDS("seconds", Duration.ofSeconds(1)),
        MINUTES("minutes", Duration.ofMinutes(1)),
        HOURS("hours", Duration.ofHours(1)),
        DAYS("days", Duration.ofDays(1));

        private final String shown;
        private final Duration size;

        Unit(String shown, Duration size) {
            this.shown = shown;
            this.size = size;
        }

        String shown() {
            return shown;
        }

        static List<String> options() {
            return Arrays.stream(values()).map(Unit::shown).toList();
        }

        static Optional<Unit> named(String shown) {
            return Arrays.stream(values()).filter(unit -> unit.shown.equals(shown)).findFirst();
        }
    }

    static FormDuration of(Duration duration) {
        Unit[] units = Unit.values();
        for (int i = units.length - 1; i > 0; i--) {
            Duration size = units[i].size;
            if (!duration.isZero() && duration.toSeconds() % size.toSeconds() == 0) {
                return new FormDuration(duration.toSeconds() / size.toSeconds(), units[i]);
            }
        }
        // Zero reads best in the unit a person would type it in; anything else left is whole seconds.
        return duration.isZero() ? new FormDuration(0, Unit.MINUTES) : new FormDuration(duration.toSeconds(), Unit.SECONDS);
    }

    /**
     * The form's two texts as the ISO-8601 duration the policy takes, or empty if the amount is not
     * a whole number of 0 or more, or the unit not one of the list's.
     */
    static Optional<String> iso(String amount, String unit) {
        Optional<Unit> named = Unit.named(unit == null ? "" : unit.trim());
        String digits = amount == null ? "" : amount.trim();
        if (named.isEmpty() || !digits.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(SessionPolicy.format(named.get().size.multipliedBy(Long.parseLong(digits))));
    }
}
