package io.sessionmanager.keycloak.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FormDurationTest {

    @Test
    void aDurationIsShownInTheLargestUnitThatHoldsItWhole() {
        assertThat(FormDuration.of(Duration.ofDays(7))).isEqualTo(new FormDuration(7, FormDuration.Unit.DAYS));
        assertThat(FormDuration.of(Duration.ofHours(36))).isEqualTo(new FormDuration(36, FormDuration.Unit.HOURS));
        assertThat(FormDuration.of(Duration.ofMinutes(10))).isEqualTo(new FormDuration(10, FormDuration.Unit.MINUTES));
        assertThat(FormDuration.of(Duration.ofSeconds(90))).isEqualTo(new FormDuration(90, FormDuration.Unit.SECONDS));
        assertThat(FormDuration.of(Duration.ZERO)).isEqualTo(new FormDuration(0, FormDuration.Unit.MINUTES));
    }

    @Test
    void whatIsShownReadsBackAsTheSameDuration() {
        for (Duration duration : new Duration[] {Duration.ofDays(30), Duration.ofHours(12), Duration.ofSeconds(90),
                Duration.ZERO, Duration.ofMinutes(10)}) {
            FormDuration shown = FormDuration.of(duration);
            assertThat(FormDuration.iso(String.valueOf(shown.amount()), shown.unit().shown()))
                    .hasValueSatisfying(iso -> assertThat(Duration.parse(iso)).isEqualTo(duration));
        }
    }

    @Test
    void onlyAWholeNumberOfZeroOrMoreAndAListedUnitMakeADuration() {
        assertThat(FormDuration.iso(" 3 ", "days")).contains("P3D");
        assertThat(FormDuration.iso("12", "hours")).contains("PT12H");
        assertThat(FormDuration.iso("-1", "days")).isEmpty();
        assertThat(FormDuration.iso("1.5", "days")).isEmpty();
        assertThat(FormDuration.iso("", "days")).isEmpty();
        assertThat(FormDuration.iso("7", "weeks")).isEmpty();
        assertThat(FormDuration.iso("7", null)).isEmpty();
        assertThat(FormDuration.iso("9999999999", "days")).isEmpty();
    }
}
