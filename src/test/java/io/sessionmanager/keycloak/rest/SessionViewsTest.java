package io.sessionmanager.keycloak.rest;

import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.sessions.LiveSession;
import org.junit.jupiter.api.RepeatedTest;
import org.keycloak.models.UserSessionModel;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SessionViewsTest {

    /** Every read of a session's last refresh answers anew, as while its owner keeps refreshing it. */
    @RepeatedTest(5)
    void theListIsOrderedWhileKeycloakMovesLastActivity() {
        List<LiveSession> sessions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            SessionRecord record = SessionRecord.newActive("realm", "user", "kc-" + i, 0);
            sessions.add(new LiveSession(record, refreshedOnEveryRead(), null));
        }

        List<SessionViews.Seen> ordered = SessionViews.inListOrder(sessions, "kc-7");

        assertThat(ordered).hasSize(500);
        assertThat(ordered.get(0).live().record().getKeycloakSessionId()).isEqualTo("kc-7");
        assertThat(ordered.subList(1, 500)).isSortedAccordingTo(
                (a, b) -> Long.compare(b.lastActive(), a.lastActive()));
    }

    private static UserSessionModel refreshedOnEveryRead() {
        return (UserSessionModel) Proxy.newProxyInstance(UserSessionModel.class.getClassLoader(),
                new Class<?>[] {UserSessionModel.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getLastSessionRefresh" -> ThreadLocalRandom.current().nextInt(1_000_000);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
