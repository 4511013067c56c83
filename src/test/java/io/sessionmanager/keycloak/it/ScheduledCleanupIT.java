package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.BackchannelLogoutReceiver;
import io.sessionmanager.keycloak.it.support.Database;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.sessionmanager.keycloak.it.support.Sessions.assertRefreshRefused;
import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cleanup runs by itself inside the server, on the interval of its server option. Runs a
 * server of its own with a two-second interval, so the shared server's tests are not disturbed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduledCleanupIT {

    private final BackchannelLogoutReceiver receiver = new BackchannelLogoutReceiver();
    private KeycloakServer server;

    @BeforeAll
    void start() {
        server = KeycloakServer.start("it-scheduler", Stream.concat(Stream.of(
                "--spi-session-manager--default--cleanup-interval=PT2S",
                "--spi-session-manager--default--cleanup-initial-delay=PT1S"),
                KeycloakExtension.BUILD_OPTIONS.stream()).toList());
    }

    @AfterAll
    void stop() {
        server.close();
        receiver.close();
    }

    @Test
    void theScheduledCleanupEndsIdleSessionsAndDeletesExpiredHistoryWithoutBeingAsked() throws Exception {
        TestRealm realm = TestRealm.create(server, "scheduled");
        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("maxInactivity", "PT2S", "historyRetention", "P0D"));
        realm.announceLogoutsTo(receiver.url());
        String userId = realm.createUser("sid");
        Tokens idle = realm.loginOffline("sid");
        Tokens caller = realm.login("sid");
        String revoked = currentId(realm, realm.login("sid"));
        assertThat(Http.delete(realm.sessionsUrl() + "/" + revoked, caller.accessToken()).status()).isEqualTo(204);
        Database db = server.database();

        assertThat(eventually(() -> db.count("select count(*) from SM_SESSION where ID = ?", revoked) == 0))
                .as("ended record past retention deleted").isTrue();
        assertThat(eventually(() -> db.count("select count(*) from SM_SESSION where USER_ID = ? and STATUS = 'ACTIVE'",
                userId) == 0)).as("idle sessions ended").isTrue();
        assertRefreshRefused(realm.refresh(idle.refreshToken()));
        // Both, as one batch ends them: Keycloak 26.4 once lost the clients of all but the first.
        assertThat(receiver.awaitLogoutOf(idle.sessionId(), Duration.ofSeconds(10)))
                .as("the ending of the idle offline session announced to its client").isTrue();
        assertThat(receiver.awaitLogoutOf(caller.sessionId(), Duration.ofSeconds(10)))
                .as("the ending of the idle online session announced to its client").isTrue();
        assertThat(Files.readString(server.log())).contains("Session cleanup ended");
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }
}
