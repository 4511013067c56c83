package io.sessionmanager.keycloak.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionEventListenerTest {

    @Test
    void truncateKeepsShortValuesAndCutsLongOnes() {
        assertThat(SessionEventListener.truncate(null, 5)).isNull();
        assertThat(SessionEventListener.truncate("abc", 5)).isEqualTo("abc");
        assertThat(SessionEventListener.truncate("abcdefgh", 5)).isEqualTo("abcde");
    }

    @Test
    void truncateNeverSplitsASurrogatePair() {
        String value = "abcd\uD83D\uDE00xyz";

        assertThat(SessionEventListener.truncate(value, 5)).isEqualTo("abcd");
    }
}
