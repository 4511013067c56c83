package io.sessionmanager.keycloak.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActivityThrottleTest {

    private final ActivityThrottle throttle = new ActivityThrottle(60_000);

    @Test
    void letsTheFirstActivityThroughAndHoldsRepeatsWithinTheInterval() {
        assertThat(throttle.tryAcquire("s1", 1_000)).isTrue();
        assertThat(throttle.tryAcquire("s1", 30_000)).isFalse();
        assertThat(throttle.tryAcquire("s2", 30_000)).isTrue();
        assertThat(throttle.tryAcquire("s1", 61_000)).isTrue();
    }

    @Test
    void aSignInCountsAsAWrite() {
        throttle.written("s1", 1_000);

        assertThat(throttle.tryAcquire("s1", 2_000)).isFalse();
    }

    @Test
    void forgetsSessionsIdleForTwoIntervals() {
        for (int i = 0; i < 1000; i++) {
            throttle.tryAcquire("s" + i, 1_000);
        }
        throttle.tryAcquire("late", 70_000);
        throttle.tryAcquire("later", 140_000);

        assertThat(throttle.size()).isEqualTo(2);
    }
}
