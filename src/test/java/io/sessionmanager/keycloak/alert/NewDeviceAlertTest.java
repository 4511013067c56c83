package io.sessionmanager.keycloak.alert;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class NewDeviceAlertTest {

    private static final long MORNING = Instant.parse("2026-12-08T09:41:07Z").toEpochMilli();

    @Test
    void theTimeHasOnlyPlainSpaces() {
        assertThat(NewDeviceAlert.signedInAt(MORNING, Locale.US)).isEqualTo("Dec 8, 2026, 9:41:07 AM UTC");
        // What Java 20 and later put before AM/PM (CLDR 42), and a no-break space: both read as spaces.
        assertThat(NewDeviceAlert.plainSpaces("9:41:07\u202FAM\u00A0UTC")).isEqualTo("9:41:07 AM UTC");
    }

    @Test
    void theTimeIsInTheUsersLanguage() {
        assertThat(NewDeviceAlert.signedInAt(MORNING, Locale.GERMAN)).isEqualTo("08.12.2026, 09:41:07 UTC");
    }
}
