package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.IdentityProvider;
import io.sessionmanager.keycloak.it.support.KeycloakDoors;
import io.sessionmanager.keycloak.it.support.RaceRounds;
import io.sessionmanager.keycloak.it.support.RaceRounds.Victim;
import io.sessionmanager.keycloak.it.support.RevocationRace;
import io.sessionmanager.keycloak.it.support.TestRealm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.revoke;

/**
 * {@code bench/run --race}: how often a revoked session comes back while a thief keeps
 * refreshing it (or, for the doors of the admin console and the account API, keeps calling
 * Keycloak's account API with its access token), per path: the extension's revocations, and each
 * of Keycloak's own doors with the extension and on a plain Keycloak without it; and what the guard costs a refresh, as
 * refreshes per second on the server with the extension over a plain one, beside two plain ones
 * compared with each other. Race rounds alternate one
 * and twelve refresh loops; a round counts as a resurrection when it breaks any clause that
 * {@link RevocationRace.Outcome#assertHeld} checks. Writes target/bench/race.json.
 */
final class RaceBenchmark {

    private static final String NEW_PASSWORD = "changed-after-the-theft";
    private static final String PLAIN_REALM_KEY = "eventsListeners";
    /** A realm on a server without the extension cannot name its listener. */
    private static final Map<String, Object> PLAIN_REALM = Map.of(PLAIN_REALM_KEY, List.of("jboss-logging"));

    private final TestRealm guarded;
    private final TestRealm plain;
    private final int rounds;
    /** Doors whose name contains one of these, and none of the extension's own paths; empty: everything. */
    private final Set<String> only;
    private final Map<TestRealm, IdentityProvider> upstreams = new HashMap<>();
    private final Figures figures = new Figures();
    private int users;

    /** A revocation path: given the realm, the victim's user id and its tokens, makes the revoking call. */
    private interface Revocation extends BiFunction<TestRealm, Victim, Http.Reply> {
    }

    /** How a door's victim signs in, and the call that ends the session. */
    private record Door(BiFunction<TestRealm, String, Victim> signIn, Revocation ending) {
    }

    private RaceBenchmark(TestRealm guarded, TestRealm plain, int rounds, Set<String> only) {
        this.guarded = guarded;
        this.plain = plain;
        this.rounds = rounds;
        this.only = only;
        upstreams.put(guarded, IdentityProvider.create(guarded.server(), "race-upstream", guarded));
        upstreams.put(plain, IdentityProvider.create(plain.server(), "race-upstream", plain, PLAIN_REALM));
    }

    static void run(boolean quick, int rounds, Set<String> only, String args) throws Exception {
        Duration refreshRound = Duration.ofSeconds(quick ? 3 : 5);
        try (DistributionServer withExtension = DistributionServer.start("race-bench", "h2", List.of(
                "--spi-session-manager--default--cleanup-initial-delay=PT24H"));
             DistributionServer without = DistributionServer.startWithoutExtension("race-bench-plain", List.of());
             DistributionServer control = DistributionServer.startWithoutExtension("race-bench-control", List.of())) {
            TestRealm guarded = TestRealm.create(withExtension, "race");
            TestRealm plain = TestRealm.create(without, "race", PLAIN_REALM);
            RaceBenchmark benchmark = new RaceBenchmark(guarded, plain, rounds, only);
            // Refreshes first, while the servers hold the same, small amount of data.
            if (only.isEmpty()) {
                benchmark.refreshCost(List.of(withExtension, without, control), refreshRound, quick ? 2 : 8);
            }
            benchmark.resurrections();
            benchmark.figures.record("command", "bench/run " + args);
            Path out = Path.of("target/bench/race.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(benchmark.figures.results()));
            System.out.println("results: " + out.toAbsolutePath());
        }
    }

    /**
     * The extension's own paths on the server with it; then every one of Keycloak's own doors on
     * both servers, side by side (refresh loops); then the doors a thief holding only the access
     * token meets, looping on Keycloak's account API.
     */
    private void resurrections() {
        path("guarded_user_revokes_one", guarded, (realm, v) -> revoke(realm, v.owner(), currentId(realm, v.tokens())));
        path("guarded_admin_revokes_all", guarded,
                (realm, v) -> realm.admin().delete(realm.adminApi() + "/users/" + v.userId() + "/sessions"));
        path("guarded_admin_password_reset", guarded, (realm, v) -> realm.admin().put(
                "/" + realm.name() + "/users/" + v.userId() + "/reset-password",
                Map.of("type", "password", "value", NEW_PASSWORD, "temporary", false)));
        for (RevocationRace.Use use : List.of(RevocationRace.Use.REFRESH, RevocationRace.Use.BEARER)) {
            String loops = use == RevocationRace.Use.BEARER ? "_bearer_loops" : "";
            doors().forEach((name, door) -> {
                if (use == RevocationRace.Use.REFRESH || name.startsWith("admin") || name.startsWith("account")) {
                    path("keycloak_" + name + loops + "_with_extension", guarded, use, door.signIn(), door.ending());
                    path("keycloak_" + name + loops, plain, use, door.signIn(), door.ending());
                }
            });
        }
    }

    /** Keycloak's doors, as {@code KeycloakDoorsIT} races them. */
    private Map<String, Door> doors() {
        Map<String, Door> doors = new LinkedHashMap<>();
        doors.put("admin_user_logout", online((realm, v) -> KeycloakDoors.adminSignOut(realm, v.userId())));
        doors.put("admin_delete_session", online((realm, v) -> KeycloakDoors.adminSessionDelete(realm, v.tokens().sessionId())));
        doors.put("account_api_delete_session", online((realm, v) -> KeycloakDoors.accountApiDelete(realm,
                v.tokens().sessionId(), v.owner().accessToken())));
        doors.put("account_api_sign_out_others", online((realm, v) -> KeycloakDoors.accountApiSignOutOthers(realm,
                v.owner().accessToken())));
        doors.put("admin_delete_offline_session", new Door(RaceRounds::signInOffline,
                (realm, v) -> KeycloakDoors.adminOfflineSessionDelete(realm, v.tokens().sessionId())));
        doors.put("admin_revoke_offline_access", new Door(RaceRounds::signInOffline,
                (realm, v) -> KeycloakDoors.adminRevokesOfflineAccess(realm, v.userId())));
        doors.put("oidc_logout", online((realm, v) -> KeycloakDoors.oidcLogout(realm, v.tokens().refreshToken())));
        doors.put("oidc_logout_id_token_hint", online((realm, v) -> KeycloakDoors.oidcLogoutWithIdTokenHint(realm,
                v.tokens().idToken())));
        doors.put("token_revocation", online((realm, v) -> KeycloakDoors.tokenRevocation(realm, v.tokens().refreshToken())));
        doors.put("identity_provider_logout", new Door((realm, username) -> upstreams.get(realm).signIn(username),
                (realm, v) -> KeycloakDoors.adminSignOut(upstreams.get(realm).upstream(),
                        upstreams.get(realm).upstreamUserId(v.username()))));
        doors.put("admin_delete_user", online((realm, v) -> KeycloakDoors.adminDeletesTheUser(realm, v.userId())));
        doors.put("admin_logout_all", online((realm, v) -> KeycloakDoors.adminSignOutOfTheRealm(realm)));
        doors.keySet().removeIf(name -> !only.isEmpty() && only.stream().noneMatch(name::contains));
        return doors;
    }

    private static Door online(Revocation ending) {
        return new Door(RaceRounds::signIn, ending);
    }

    private void path(String name, TestRealm realm, Revocation revocation) {
        if (only.isEmpty()) {
            path(name, realm, RevocationRace.Use.REFRESH, RaceRounds::signIn, revocation);
        }
    }

    /** Rounds of one path, alternating one and twelve loops; prints resurrections per 100 rounds. */
    private void path(String name, TestRealm realm, RevocationRace.Use use,
                      BiFunction<TestRealm, String, Victim> signIn, Revocation revocation) {
        int[] failed = new int[2];
        int conflictsBefore = KeycloakDoors.conflictsRetried();
        for (int round = 0; round < rounds; round++) {
            int concurrency = round % 2;
            Victim victim = signIn.apply(realm, "victim-" + users++);
            RevocationRace.Outcome race = RevocationRace.run(realm, victim.tokens(), concurrency == 0 ? 1 : 12, use,
                    () -> revocation.apply(realm, victim));
            if (!race.held(victim.userId())) {
                failed[concurrency]++;
            }
        }
        double per100 = 100.0 * (failed[0] + failed[1]) / rounds;
        System.out.printf("%-56s %6.1f per 100 rounds (1 loop: %d of %d, 12 loops: %d of %d)%n", name + "_resurrections",
                per100, failed[0], (rounds + 1) / 2, failed[1], rounds / 2);
        figures.record(name + "_resurrections_per_100", per100);
        int conflicts = KeycloakDoors.conflictsRetried() - conflictsBefore;
        if (conflicts > 0) {
            System.out.printf("%-56s %6d revokes answered 500 (Keycloak's OptimisticLockException) and pressed again%n",
                    name + "_conflicts", conflicts);
            figures.record(name + "_conflicts_retried", conflicts);
        }
    }

    /**
     * Refreshes per second on the server with the extension (guard on, listener off) over a plain
     * Keycloak, and, as the control that shows how far two servers differ by themselves, a second
     * plain Keycloak over the first: a warm-up round, then rounds in rotating order, medians.
     */
    private void refreshCost(List<DistributionServer> servers, Duration round, int roundCount) throws Exception {
        List<String> names = List.of("with_extension", "plain_keycloak", "control_plain_keycloak");
        List<BenchClient> clients = new ArrayList<>();
        List<String> refreshTokens = new ArrayList<>();
        for (DistributionServer server : servers) {
            TestRealm realm = TestRealm.create(server, "refresh", Map.of(PLAIN_REALM_KEY, List.of("jboss-logging"),
                    "eventsEnabled", false));
            realm.createUser("refresher");
            clients.add(new BenchClient(server.baseUrl()));
            refreshTokens.add(realm.login("refresher").refreshToken());
        }
        List<Rounds> perSecond = List.of(new Rounds(), new Rounds(), new Rounds());
        for (int i = 0; i <= roundCount; i++) {
            for (int k = 0; k < servers.size(); k++) {
                int server = (i + k) % servers.size();
                BenchClient client = clients.get(server);
                String refreshToken = refreshTokens.get(server);
                Load.Stats stats = Load.run(8, round, w -> () -> client.refresh("refresh", refreshToken) != null);
                if (i > 0) {
                    perSecond.get(server).add(stats.perSecond());
                }
            }
        }
        for (int server = 0; server < servers.size(); server++) {
            figures.put("refresh_per_s_" + names.get(server), perSecond.get(server));
        }
        figures.ratio("refresh_guard_ratio", perSecond.get(0), perSecond.get(1));
        figures.ratio("refresh_control_ratio", perSecond.get(2), perSecond.get(1));
    }
}
