package io.sessionmanager.keycloak.sessions;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SessionDeadlinesTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final Duration SEVEN_DAYS = Duration.ofDays(7);

    @Test
    void keycloakDeadlinesWinWhenTheyComeFirst() {
        SessionDeadlines deadlines = SessionDeadlines.of(HOUR / 2, 10 * HOUR, 0, SEVEN_DAYS);

        assertThat(deadlines).isEqualTo(new SessionDeadlines(HOUR / 2, 10 * HOUR));
    }

    @Test
    void maxInactivityCapsBothDeadlines() {
        long lastActive = 5 * HOUR;
        SessionDeadlines deadlines = SessionDeadlines.of(100 * HOUR, 200 * HOUR, lastActive, Duration.ofHours(1));

        assertThat(deadlines).isEqualTo(new SessionDeadlines(6 * HOUR, 6 * HOUR));
    }

    @Test
    void aSessionWithoutMaxLifespanEndsAtTheInactivityDeadline() {
        SessionDeadlines deadlines = SessionDeadlines.of(30 * 24 * HOUR, -1, 0, SEVEN_DAYS);

        assertThat(deadlines).isEqualTo(new SessionDeadlines(SEVEN_DAYS.toMillis(), SEVEN_DAYS.toMillis()));
    }

    @Test
    void idleDeadlineNeverOutlivesTheHardEnd() {
        SessionDeadlines deadlines = SessionDeadlines.of(12 * HOUR, 10 * HOUR, 0, SEVEN_DAYS);

        assertThat(deadlines.idleExpiresAt()).isEqualTo(10 * HOUR);
    }

    @Test
    void onlineAndOfflineTogetherLiveAsLongAsTheLaterOne() {
        SessionDeadlines online = new SessionDeadlines(HOUR, 10 * HOUR);
        SessionDeadlines offline = new SessionDeadlines(5 * HOUR, 20 * HOUR);

        assertThat(online.orLater(offline)).isEqualTo(new SessionDeadlines(5 * HOUR, 20 * HOUR));
    }

    @Test
    void theIdleDeadlineOfTwoSessionsNeverOutlivesTheirHardEnd() {
        SessionDeadlines online = new SessionDeadlines(12 * HOUR, 10 * HOUR);
        SessionDeadlines offline = new SessionDeadlines(2 * HOUR, 8 * HOUR);

        assertThat(online.orLater(offline)).isEqualTo(new SessionDeadlines(10 * HOUR, 10 * HOUR));
    }
}
