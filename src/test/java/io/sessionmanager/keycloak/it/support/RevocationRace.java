package io.sessionmanager.keycloak.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stolen session in use while it is revoked (SPEC "What revoked means", last paragraph):
 * refresh loops, each replaying the newest refresh token it was given, plus a userinfo and an
 * introspection caller, all running while the revoking call is made, and on for a while after it
 * answered. {@link Outcome#assertHeld} then checks what the contract promises.
 * <p>
 * With {@link Use#BEARER} the loops never refresh: they call Keycloak's account REST API (or, with
 * {@link Use#ADMIN_BEARER}, its admin REST API) with the session's access token, as a thief holding
 * only that token would; no such request sends an event.
 */
public final class RevocationRace {

    /** What the thief's loops do with the stolen session. */
    public enum Use {
        /** Replay the newest refresh token; userinfo and introspection callers alongside. */
        REFRESH,
        /** {@code GET /realms/{realm}/account} with the session's access token, nothing else. */
        BEARER,
        /** {@code GET /admin/realms/{realm}/users} with the access token of a session that may view users. */
        ADMIN_BEARER
    }

    /** How long the loops run before the revoking call, so that it lands among requests in flight. */
    private static final long WARM_UP_MILLIS = 150;
    /** How long they go on after it answered: refreshes that start then must all fail. */
    private static final long AFTER_MILLIS = 400;
    /** Every token minted during the race is refused this long after the revoking call answered. */
    private static final long DEAD_WITHIN_MILLIS = 1000;
    /** Tokens checked afterwards: those minted once the revoking call had started, and each loop's last. */
    private static final int MAX_CHECKED_TOKENS = 24;

    /** The kind of the bearer loops' calls, whichever API they call. */
    private static final String BEARER_CALL = "bearer";

    /** One request of the race, timed on the test's clock ({@link System#nanoTime()}). */
    public record Call(String kind, int loop, long startedAt, long answeredAt, int status, String error, Tokens minted) {

        /** Without the tokens, which make a failure unreadable. */
        @Override
        public String toString() {
            return kind + "[loop " + loop + ", " + startedAt / 1_000_000 + "-" + answeredAt / 1_000_000 + " ms: "
                    + status + (error == null ? "" : " " + error) + "]";
        }
    }

    private final TestRealm realm;
    private final Tokens victim;
    private final int refreshers;
    private final Use use;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Tokens> newest;
    private volatile boolean stopped;

    private RevocationRace(TestRealm realm, Tokens victim, int refreshers, Use use) {
        this.realm = realm;
        this.victim = victim;
        this.refreshers = refreshers;
        this.use = use;
        this.newest = new AtomicReference<>(victim);
    }

    /** Runs one round: the loops on {@code victim}'s session, and {@code revoke} made in their midst. */
    public static Outcome run(TestRealm realm, Tokens victim, int refreshers, Supplier<Http.Reply> revoke) {
        return run(realm, victim, refreshers, Use.REFRESH, revoke);
    }

    /** As {@link #run(TestRealm, Tokens, int, Supplier)}, the loops using the session as {@code use} says. */
    public static Outcome run(TestRealm realm, Tokens victim, int loops, Use use, Supplier<Http.Reply> revoke) {
        return new RevocationRace(realm, victim, loops, use).race(revoke);
    }

    /**
     * The loops start only after {@code revoked} was answered, for revocations that cannot be
     * raced with use (inactivity: a session in use is not inactive).
     */
    public static Outcome replay(TestRealm realm, Tokens victim, int refreshers, Http.Reply revoked) {
        return new RevocationRace(realm, victim, refreshers, Use.REFRESH).race(() -> revoked, 0);
    }

    private Outcome race(Supplier<Http.Reply> revoke) {
        return race(revoke, WARM_UP_MILLIS);
    }

    private Outcome race(Supplier<Http.Reply> revoke, long warmUpMillis) {
        ExecutorService loops = Executors.newFixedThreadPool(refreshers + 2);
        try {
            List<Future<?>> running = new ArrayList<>();
            long revokeStarted = System.nanoTime();
            Http.Reply reply = null;
            if (warmUpMillis == 0) {
                reply = revoke.get();
            }
            long revokeAnswered = System.nanoTime();
            startLoops(loops, running);
            if (warmUpMillis > 0) {
                sleep(warmUpMillis);
                revokeStarted = System.nanoTime();
                reply = revoke.get();
                revokeAnswered = System.nanoTime();
            }
            sleep(AFTER_MILLIS);
            stopped = true;
            for (Future<?> loop : running) {
                loop.get(30, TimeUnit.SECONDS);
            }
            return new Outcome(realm, victim, List.copyOf(calls), reply, revokeStarted, revokeAnswered);
        } catch (Exception e) {
            throw new AssertionError("race did not finish", e);
        } finally {
            stopped = true;
            loops.shutdownNow();
        }
    }

    private void startLoops(ExecutorService loops, List<Future<?>> running) {
        for (int i = 0; i < refreshers; i++) {
            int loop = i;
            running.add(loops.submit(switch (use) {
                case REFRESH -> () -> refreshLoop(loop);
                case BEARER -> () -> callerLoop(BEARER_CALL, loop, t -> realm.account(t.accessToken()).status());
                case ADMIN_BEARER -> () -> callerLoop(BEARER_CALL, loop, t -> realm.adminUsers(t.accessToken()).status());
            }));
        }
        if (use == Use.REFRESH) {
            running.add(loops.submit(() -> callerLoop("userinfo", -1, t -> realm.userinfo(t.accessToken()).status())));
            running.add(loops.submit(() -> callerLoop("introspect", -1, t -> introspectionStatus(realm, t))));
        }
    }

    /** 200 for an active token, 401 for an inactive one, else what Keycloak answered. */
    private static int introspectionStatus(TestRealm realm, Tokens tokens) {
        Http.Reply reply = realm.introspection(tokens.accessToken());
        if (reply.status() != 200) {
            return reply.status();
        }
        return reply.json().path("active").asBoolean() ? 200 : 401;
    }

    private void refreshLoop(int loop) {
        Tokens current = victim;
        while (!stopped) {
            long started = System.nanoTime();
            Http.Reply reply = realm.refresh(current.refreshToken());
            Tokens minted = reply.status() == 200 ? Tokens.of(reply.json()) : null;
            calls.add(new Call("refresh", loop, started, System.nanoTime(), reply.status(), error(reply), minted));
            if (minted != null) {
                current = minted;
                newest.set(minted);
            }
        }
    }

    private void callerLoop(String kind, int loop, java.util.function.ToIntFunction<Tokens> call) {
        while (!stopped) {
            long started = System.nanoTime();
            int status = call.applyAsInt(newest.get());
            calls.add(new Call(kind, loop, started, System.nanoTime(), status, null, null));
        }
    }

    private static String error(Http.Reply reply) {
        if (reply.status() == 200 || reply.body() == null || !reply.body().startsWith("{")) {
            return null;
        }
        return reply.json().path("error").asText(null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What one round saw. */
    public static final class Outcome {

        private final TestRealm realm;
        private final Tokens victim;
        private final List<Call> calls;
        private final Http.Reply revokeReply;
        private final long revokeStarted;
        private final long revokeAnswered;

        private Outcome(TestRealm realm, Tokens victim, List<Call> calls, Http.Reply revokeReply,
                        long revokeStarted, long revokeAnswered) {
            this.realm = realm;
            this.victim = victim;
            this.calls = calls;
            this.revokeReply = revokeReply;
            this.revokeStarted = revokeStarted;
            this.revokeAnswered = revokeAnswered;
        }

        public List<Call> calls() {
            return calls;
        }

        /**
         * The session stayed revoked: the revoking call succeeded; no request of the race got a
         * 5xx; no refresh that started after the revoking call answered succeeded; no bearer call
         * that started a second after it succeeded. One second after it answered, first what does
         * not end a session (Keycloak's admin list, its account API with every token of the race),
         * then every guarded use (this extension's API, refresh, introspection, userinfo), each
         * refuses every token minted during the race. The order matters: a guarded use that finds
         * a restored copy ends it, which would hide the copy from any check made after it.
         */
        public void assertHeld(String userId) {
            assertThat(revokeReply.status()).as("revoking call: %s", revokeReply.body()).isBetween(200, 299);
            assertThat(calls).as("requests of the race answered with 5xx")
                    .noneSatisfy(call -> assertThat(call.status()).isGreaterThanOrEqualTo(500));
            assertThat(calls.stream().filter(c -> c.kind().equals("refresh") && c.startedAt() > revokeAnswered))
                    .as("refreshes that started after the revoking call answered, at %d ms", revokeAnswered / 1_000_000)
                    .allSatisfy(c -> {
                        assertThat(c.status()).isEqualTo(400);
                        assertThat(c.error()).isEqualTo("invalid_grant");
                    });
            long deadline = revokeAnswered + TimeUnit.MILLISECONDS.toNanos(DEAD_WITHIN_MILLIS);
            assertThat(calls.stream().filter(c -> c.kind().equals(BEARER_CALL) && c.startedAt() > deadline))
                    .as("bearer API calls that started a second after the revoking call answered")
                    .allSatisfy(c -> assertThat(c.status()).isEqualTo(401));
            sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertNotListedByKeycloak(userId);
            assertEveryToken(this::acceptedByKeycloakAccountApi, "one second after the revoking call answered");
            assertAllRefused("one second after the revoking call answered");
            assertNotListedByKeycloak(userId);
        }

        /** Whether the round held as {@link #assertHeld} checks it, for counting rather than failing. */
        public boolean held(String userId) {
            try {
                assertHeld(userId);
                return true;
            } catch (AssertionError e) {
                return false;
            }
        }

        /** Every token of the race is refused by every use, checked in parallel so that the check itself takes little time. */
        public void assertAllRefused(String when) {
            assertEveryToken(this::stillAccepted, when);
        }

        /** {@code accepted} finds nothing for any token of the race: null, or what still accepted it. */
        private void assertEveryToken(java.util.function.Function<Tokens, String> accepted, String when) {
            List<Tokens> tokens = mintedDuringRace();
            ExecutorService checks = Executors.newFixedThreadPool(6);
            try {
                List<Future<String>> verdicts = new ArrayList<>();
                for (Tokens token : tokens) {
                    verdicts.add(checks.submit(() -> accepted.apply(token)));
                }
                List<String> problems = new ArrayList<>();
                for (Future<String> verdict : verdicts) {
                    String problem = verdict.get(60, TimeUnit.SECONDS);
                    if (problem != null) {
                        problems.add(problem);
                    }
                }
                assertThat(problems).as("tokens of the revoked session still accepted %s (of %d checked)",
                        when, tokens.size()).isEmpty();
            } catch (InterruptedException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("checks did not finish", e);
            } finally {
                checks.shutdownNow();
            }
        }

        /**
         * The session is gone from Keycloak's admin view of the user's sessions (online and offline);
         * a deleted user has no such view, and no sessions.
         */
        public void assertNotListedByKeycloak(String userId) {
            String user = "/" + realm.name() + "/users/" + userId;
            Http.Reply reply = realm.admin().get(user + "/sessions");
            if (reply.status() == 404) {
                assertThat(realm.admin().get(user).status()).as("a user whose sessions are not found").isEqualTo(404);
                return;
            }
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json()).as("Keycloak's admin list of the user's sessions")
                    .noneSatisfy(s -> assertThat(s.path("id").asText()).isEqualTo(victim.sessionId()));
        }

        /** Keycloak's own account API, asked with a token of another, live session of the user. */
        public void assertNotListedByKeycloakAccountApi(Tokens witness) {
            Http.Reply reply = realm.accountSessions(witness.accessToken());
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json()).as("Keycloak's account API list")
                    .noneSatisfy(s -> assertThat(s.path("id").asText()).isEqualTo(victim.sessionId()));
        }

        private List<Tokens> mintedDuringRace() {
            Set<Tokens> tokens = new LinkedHashSet<>();
            tokens.add(victim);
            List<Call> minting = calls.stream().filter(c -> c.minted() != null).toList();
            for (int loop = 0; loop < 64; loop++) {
                int each = loop;
                minting.stream().filter(c -> c.loop() == each).reduce((a, b) -> b).ifPresent(c -> tokens.add(c.minted()));
            }
            minting.stream().filter(c -> c.answeredAt() >= revokeStarted).map(Call::minted)
                    .limit(MAX_CHECKED_TOKENS).forEach(tokens::add);
            return List.copyOf(tokens);
        }

        /** Null when Keycloak's account API refuses the access token (it ends nothing), else its answer. */
        private String acceptedByKeycloakAccountApi(Tokens token) {
            int account = realm.account(token.accessToken()).status();
            return account == 401 ? null : "Keycloak's account API " + account;
        }

        /** Null when every way of using the token is refused, else what still accepted it. */
        private String stillAccepted(Tokens token) {
            List<String> accepted = new ArrayList<>();
            // A 2xx accepts, a 5xx fails; a Keycloak without the extension (bench/run --race) has no such API: 404.
            int ours = Http.get(realm.sessionsUrl(), token.accessToken()).status();
            if (ours / 100 == 2 || ours >= 500) {
                accepted.add("this extension's API " + ours);
            }
            Http.Reply refresh = realm.refresh(token.refreshToken());
            if (refresh.status() != 400 || !"invalid_grant".equals(error(refresh))) {
                accepted.add("refresh " + refresh.status());
            }
            if (realm.introspect(token.accessToken()).path("active").asBoolean()) {
                accepted.add("access token introspection active");
            }
            if (realm.introspect(token.refreshToken()).path("active").asBoolean()) {
                accepted.add("refresh token introspection active");
            }
            int userinfo = realm.userinfo(token.accessToken()).status();
            if (userinfo != 401) {
                accepted.add("userinfo " + userinfo);
            }
            return accepted.isEmpty() ? null : String.join(", ", accepted);
        }
    }
}
