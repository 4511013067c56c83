package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.http.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageTest {

    @Test
    void defaultsToTheFirstHundred() {
        assertThat(Page.parse(null, null)).isEqualTo(new Page(0, 100));
    }

    @ParameterizedTest
    @CsvSource({"-5,10", "abc,10", "1.5,10", "99999999999,10", "0,-1", "0,abc", "0,0", "0,1001", "'',10"})
    void refusesMalformedOrOutOfRangeValues(String first, String max) {
        assertThatThrownBy(() -> Page.parse(first, max))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status().getStatusCode()).isEqualTo(400));
    }

    @Test
    void slicesWithinBounds() {
        List<Integer> items = List.of(1, 2, 3, 4, 5);

        assertThat(Page.parse("1", "2").of(items)).containsExactly(2, 3);
        assertThat(Page.parse("4", "10").of(items)).containsExactly(5);
        assertThat(Page.parse("5", "10").of(items)).isEmpty();
    }
}
