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
                "revokeOnPasswordChange", "OTHERS", "notifyNewDevice", false));
    }

    @Test
    void changesOnlyTheGivenFields() {
        SessionPolicy changed = SessionPolicy.DEFAULT.with(Map.of("maxInactivity", "PT12H", "notifyNewDevice", true));

        assertThat(changed).isEqualTo(new SessionPolicy(Duration.ofHours(12), Duration.ofDays(30),
                RevokeOnPasswordChange.OTHERS, true));
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
                Map.of("notifyNewDevice", "yes"),
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
