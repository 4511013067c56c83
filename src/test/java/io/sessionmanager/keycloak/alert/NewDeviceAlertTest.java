package io.sessionmanager.keycloak.alert;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class NewDeviceAlertTest {

    private static final long MORNING = Instant.parse("2026-12-08T09:41:07Z").toEpochMilli();

    @Test
    void theTimeHasOnlyPlainSpaces() {
        String english = NewDeviceAlert.signedInAt(MORNING, Locale.US);

        assertThat(english).isEqualTo("Dec 8, 2026, 9:41:07 AM UTC");
        assertThat(english.chars()).allMatch(c -> c < 0x80);
    }

    @Test
    void theTimeIsInTheUsersLanguage() {
        assertThat(NewDeviceAlert.signedInAt(MORNING, Locale.GERMAN)).isEqualTo("08.12.2026, 09:41:07 UTC");
    }
}
