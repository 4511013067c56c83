package io.sessionmanager.keycloak.cleanup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CleanupTaskTest {

    @Test
    void aRealmThatFailsDoesNotKeepTheOthersFromBeingCleaned() {
        List<String> cleaned = new ArrayList<>();

        CleanupResult total = CleanupTask.eachRealm(List.of("first", "broken", "last"), realmId -> {
            if (realmId.equals("broken")) {
                throw new IllegalStateException("realm deleted during the run");
            }
            cleaned.add(realmId);
            return new CleanupResult(1, 2);
        });

        assertThat(cleaned).containsExactly("first", "last");
        assertThat(total).isEqualTo(new CleanupResult(2, 4));
    }
}
