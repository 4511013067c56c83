package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The extension's user API, as a test calls it. */
public final class Sessions {

    private Sessions() {
    }

    /** A refresh refused the way Keycloak refuses a dead session's: {@code 400 invalid_grant}, not any 400. */
    public static void assertRefreshRefused(Http.Reply refresh) {
        // Says what was answered without printing tokens a wrongly accepted refresh returned.
        String answer = refresh.status() + " " + refresh.json().path("error").asText("(no error)");
        assertThat(refresh.status()).as(answer).isEqualTo(400);
        assertThat(refresh.json().path("error").asText()).as(answer).isEqualTo("invalid_grant");
    }

    public static List<JsonNode> list(TestRealm realm, Tokens caller) {
        return array(Http.get(realm.sessionsUrl(), caller.accessToken()));
    }

    public static List<JsonNode> history(TestRealm realm, Tokens caller) {
        return array(Http.get(realm.sessionsUrl() + "/history", caller.accessToken()));
    }

    /** The public id of the session {@code owner}'s tokens belong to, as the owner sees it. */
    public static String currentId(TestRealm realm, Tokens owner) {
        return currentId(Http.get(realm.sessionsUrl(), owner.accessToken()));
    }

    /** The public id of the session marked current in a reply of the list. */
    public static String currentId(Http.Reply list) {
        return array(list).stream()
                .filter(s -> s.path("current").asBoolean())
                .map(s -> s.path("id").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no current session listed"));
    }

    public static Http.Reply revoke(TestRealm realm, Tokens caller, String id) {
        return Http.delete(realm.sessionsUrl() + "/" + id, caller.accessToken());
    }

    private static List<JsonNode> array(Http.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        reply.json().forEach(items::add);
        return items;
    }
}
