package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The abuse limit: one user with thousands of sessions (a bot), beside a user with one. Measures
 * the bot's sign-ins, its list (a page of 100) beside the human's, a further sign-in, its
 * revoke-all, and its list again once all those sessions have ended, when only the ended rows
 * are left to weigh on it.
 */
final class Bot {

    private static final int LIST_CALLS = 20;

    private final TestRealm realm;
    private final int sessions;
    private final Map<String, Object> results = new LinkedHashMap<>();

    Bot(TestRealm realm, int sessions) {
        this.realm = realm;
        this.sessions = sessions;
    }

    Map<String, Object> measure() {
        realm.createUser("bot");
        realm.createUser("human");
        Tokens human = realm.login("human");
        long start = System.nanoTime();
        List<Tokens> signedIn = realm.loginMany("bot", sessions);
        Tokens bot = signedIn.get(signedIn.size() - 1);
        put("sign_ins", sessions);
        put("sign_ins_per_s", sessions / seconds(start));
        put("list_p50_ms_human", listP50(human));
        put("list_p50_ms_bot", listP50(bot));
        put("list_count_bot", Http.get(realm.sessionsUrl() + "?max=1000", bot.accessToken()).json().size());
        start = System.nanoTime();
        Tokens another = realm.login("bot");
        put("sign_in_ms_after", millis(start));
        start = System.nanoTime();
        Http.Reply revokeAll = Http.send(Http.request(realm.sessionsUrl()).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + another.accessToken()).DELETE().build());
        put("revoke_all_ms", millis(start));
        put("revoke_all_status", revokeAll.status());
        put("revoked", revokeAll.status() == 200 ? revokeAll.json().path("revoked").asLong() : -1);
        Tokens afterwards = realm.login("bot");
        put("list_p50_ms_bot_with_ended_rows", listP50(afterwards));
        put("list_p50_ms_human_again", listP50(realm.login("human")));
        return results;
    }

    private double listP50(Tokens tokens) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < LIST_CALLS; i++) {
            long start = System.nanoTime();
            Http.Reply reply = Http.get(realm.sessionsUrl(), tokens.accessToken());
            if (reply.status() != 200) {
                throw new IllegalStateException("list answered " + reply.status());
            }
            times.add(System.nanoTime() - start);
        }
        times.sort(null);
        return Math.round(times.get(LIST_CALLS / 2) / 1e5) / 10.0;
    }

    private void put(String name, Object value) {
        System.out.println("bot " + name + " " + value);
        results.put(name, value);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
