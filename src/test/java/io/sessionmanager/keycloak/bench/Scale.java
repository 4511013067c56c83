package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * How the figures grow: a user with 1,000 and one with 10,000 sessions (the first page of their
 * list and their revoke-all, each beside Keycloak's own), and the table at 10,000,000 rows (the
 * list of a user with 20 sessions beside Keycloak's own, and the cleanup deleting 1,000,000
 * expired rows among them while sign-ins run), to set beside the same figures at 1,000,000 rows.
 * With {@code --quick}, a tenth of each.
 */
final class Scale {

    private static final String REALM = "scale";
    private static final int LIST_CALLS = 9;
    private static final int SIGNERS = 8;

    private final DistributionServer server;
    private final BenchClient client;
    private final Figures figures;
    private final boolean quick;
    private TestRealm realm;

    Scale(DistributionServer server, BenchClient client, Figures figures, boolean quick) {
        this.server = server;
        this.client = client;
        this.figures = figures;
        this.quick = quick;
    }

    void measure() throws Exception {
        realm = TestRealm.create(server, REALM, Map.of("eventsEnabled", false));
        for (int sessions : quick ? List.of(100, 1_000) : List.of(1_000, 10_000)) {
            manySessions(sessions);
        }
        largeTable(quick ? 1_000_000 : 10_000_000, quick ? 100_000 : 1_000_000);
    }

    /** A user with this many sessions: the first page of their list and revoke-all, beside Keycloak's own. */
    private void manySessions(int count) throws Exception {
        String suffix = "_" + count + "_sessions";
        Tokens ours = signInMany("many-" + count, count, "");
        Tokens theirs = signInMany("many-keycloak-" + count, count, "_account");
        Rounds oursList = listTimes(realm.sessionsUrl(), fresh(ours));
        Rounds theirsList = listTimes(server.baseUrl() + "/realms/" + REALM + "/account/sessions", fresh(theirs));
        figures.put("list_p50_ms" + suffix, oursList);
        figures.put("account_sessions_p50_ms" + suffix, theirsList);
        figures.ratio("list_p50_ratio" + suffix, oursList, theirsList);
        double oursRevoke = revokeAllSeconds(realm.sessionsUrl(), fresh(ours), "revoke_all_seconds" + suffix);
        double theirsRevoke = revokeAllSeconds(server.baseUrl() + "/realms/" + REALM + "/account/sessions?current=true",
                fresh(theirs), "account_revoke_all_seconds" + suffix);
        figures.put("revoke_all_ratio" + suffix, oursRevoke / theirsRevoke);
    }

    private Tokens signInMany(String username, int count, String kind) {
        realm.createUser(username);
        long start = System.nanoTime();
        List<Tokens> signedIn = realm.loginMany(username, count);
        figures.put("sign_ins_per_s" + kind + "_" + count + "_sessions", count / ((System.nanoTime() - start) / 1e9));
        return signedIn.get(signedIn.size() - 1);
    }

    /** A new access token for the same session: minutes of sign-ins can outlast the first one. */
    private String fresh(Tokens tokens) {
        return realm.refresh(tokens.refreshToken()).json().path("access_token").asText();
    }

    /**
     * Each call's time, one after another, after two calls to warm up; the median is the figure,
     * the calls' range its spread.
     */
    private Rounds listTimes(String url, String bearer) {
        Rounds millis = new Rounds();
        for (int i = -2; i < LIST_CALLS; i++) {
            long start = System.nanoTime();
            Http.Reply reply = Http.send(Http.request(url).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + bearer).header("Accept", "application/json").GET().build());
            if (reply.status() != 200) {
                throw new IllegalStateException(url + " answered " + reply.status());
            }
            if (i >= 0) {
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        return millis;
    }

    /** The time a revoke-all takes; its status too, as one transaction of thousands can run out of time. */
    private double revokeAllSeconds(String url, String bearer, String name) {
        long start = System.nanoTime();
        Http.Reply reply = Http.send(Http.request(url).timeout(Duration.ofMinutes(60))
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json").DELETE().build());
        double seconds = (System.nanoTime() - start) / 1e9;
        figures.put(name + "_status", reply.status());
        figures.put(name, seconds);
        return seconds;
    }

    /**
     * The table at {@code size} rows: rows ended a day ago (kept by the 30-day history retention)
     * fill it up, with {@code deletable} rows ended 60 days ago for the cleanup to delete. The
     * sign-ins during the cleanup are other users', so the lister keeps its 20 sessions.
     */
    private void largeTable(long size, long deletable) throws Exception {
        TestRealm seedRealm = TestRealm.create(server, "scale-seed");
        realm.createUser("lister");
        Tokens lister = realm.loginMany("lister", 20).get(19);
        for (int i = 0; i < SIGNERS; i++) {
            realm.createUser("signer" + i);
        }
        String suffix = "_" + size / 1_000_000 + "m_rows";
        long now = System.currentTimeMillis();
        long start = System.nanoTime();
        // Ids above those of the run's own seeded rows, which the earlier cleanup deleted.
        long first = 100_000_000L;
        SeededRows.seed(server.database(), seedRealm.id(), first, first + size - deletable - 1,
                now - Duration.ofDays(1).toMillis());
        SeededRows.seed(server.database(), seedRealm.id(), first + size - deletable, first + size - 1,
                now - Duration.ofDays(60).toMillis());
        figures.put("seed_seconds" + suffix, (System.nanoTime() - start) / 1e9);
        SeededRows.gatherStatistics(server.database());
        ListRounds.measure(client, REALM, fresh(lister), Duration.ofSeconds(3), quick ? 2 : 5, suffix, figures,
                Scale::unprofiled);
        CleanupUnderLoad.measure(seedRealm,
                w -> () -> client.login(REALM, "signer" + (w % SIGNERS), TestRealm.PASSWORD) != null,
                Duration.ofSeconds(10), suffix, figures, Scale::unprofiled);
    }

    private static <T> T unprofiled(String name, Callable<T> measurement) throws Exception {
        return measurement.call();
    }
}
