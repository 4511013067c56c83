package io.sessionmanager.keycloak.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SessionPolicyTest {

    @Test
    void defaultsAreSevenDaysThirtyDaysOthersAndNoEmail() {
        assertThat(SessionPolicy.DEFAULT.toMap()).isEqualTo(Map.of("maxInactivity", "P7D", "historyRetention", "P30D",
                "revokeOnCredentialChange", "OTHERS", "revokeOnPasswordChange", "OTHERS", "notifyNewDevice", false,
                "reauthenticateWithin", "PT10M"));
    }

    @Test
    void theOldNameOfTheSignInFactorFieldStillWorks() {
        assertThat(SessionPolicy.DEFAULT.with(Map.of("revokeOnPasswordChange", "ALL")).revokeOnCredentialChange())
                .isEqualTo(RevokeOnCredentialChange.ALL);
        assertThat(SessionPolicy.DEFAULT.with(Map.of("revokeOnCredentialChange", "NONE")).toMap())
                .containsEntry("revokeOnPasswordChange", "NONE");
    }

    /** A client sends back what it read with the one name it knows changed: that change is taken. */
    @Test
    void whenBothNamesArriveTheChangedOneWins() {
        Map<String, Object> oldClient = new HashMap<>(SessionPolicy.DEFAULT.toMap());
        oldClient.put("revokeOnPasswordChange", "NONE");
        Map<String, Object> newClient = new HashMap<>(SessionPolicy.DEFAULT.toMap());
        newClient.put("revokeOnCredentialChange", "ALL");

        assertThat(SessionPolicy.DEFAULT.with(oldClient).revokeOnCredentialChange()).isEqualTo(RevokeOnCredentialChange.NONE);
        assertThat(SessionPolicy.DEFAULT.with(newClient).revokeOnCredentialChange()).isEqualTo(RevokeOnCredentialChange.ALL);
    }

    @Test
    void changesOnlyTheGivenFields() {
        SessionPolicy changed = SessionPolicy.DEFAULT.with(Map.of("maxInactivity", "PT12H", "notifyNewDevice", true));

        assertThat(changed).isEqualTo(new SessionPolicy(Duration.ofHours(12), Duration.ofDays(30),
                RevokeOnCredentialChange.OTHERS, true, Duration.ofMinutes(10)));
        assertThat(changed.toMap()).containsEntry("maxInactivity", "PT12H");
    }

    @Test
    void zeroRetentionKeepsNoHistory() {
        assertThat(SessionPolicy.DEFAULT.with(Map.of("historyRetention", "P0D")).historyRetention()).isZero();
    }

    static Stream<Map<String, Object>> invalidChanges() {
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("maxInactivity", null);
        return Stream.of(
                Map.of("maxInactivity", "7 days"),
                Map.of("maxInactivity", "P0D"),
                Map.of("maxInactivity", "P-1D"),
                Map.of("maxInactivity", "P100000D"),
                Map.of("maxInactivity", 7),
                Map.of("historyRetention", "P-1D"),
                Map.of("revokeOnPasswordChange", "SOMETIMES"),
                Map.of("revokeOnPasswordChange", "others"),
                Map.of("revokeOnCredentialChange", "SOMETIMES"),
                Map.of("revokeOnCredentialChange", "ALL", "revokeOnPasswordChange", "NONE"),
                Map.of("notifyNewDevice", "yes"),
                Map.of("reauthenticateWithin", "PT-1M"),
                Map.of("reauthenticateWithin", "10 minutes"),
                Map.of("reauthenticateWithin", "PT0.5S"),
                Map.of("maxInactivity", "PT1.5S"),
                Map.of("unknown", "x"),
                nullValue);
    }

    @ParameterizedTest
    @MethodSource("invalidChanges")
    void refusesInvalidValues(Map<String, Object> change) {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionPolicy.DEFAULT.with(change))
                .withMessageMatching(".+");
    }
}
