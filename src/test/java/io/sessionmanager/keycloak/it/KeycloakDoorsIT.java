package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.IdentityProvider;
import io.sessionmanager.keycloak.it.support.KeycloakDoors;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.RaceRounds;
import io.sessionmanager.keycloak.it.support.RaceRounds.Victim;
import io.sessionmanager.keycloak.it.support.RevocationRace;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Function;

/**
 * SPEC "What revoked means", every door: a session ended through Keycloak's own consoles and
 * endpoints, not this extension's, stays ended while a thief keeps using it, as in
 * {@link RevocationRaceIT}: 1 or 12 refresh loops with userinfo and introspection callers, and
 * loops that only call Keycloak's account API with the session's access token. Before the guard
 * of Keycloak's doors, 13 of the first 15 tests failed on H2 (all but {@code logout-all}, where
 * Keycloak's realm-wide "not before" refuses the tokens by itself).
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakDoorsIT {

    /**
     * Doors left out on Keycloak 26.4 and 26.5 (the {@code keycloak-26.x} executions exclude the
     * tag): every door ends in the same removal this extension guards, so the admin Sign out, the
     * account API and the bearer loops show the guard works on those minors; the rest run on the
     * newest, with every database.
     */
    static final String NEWEST_KEYCLOAK_ONLY = "newest-keycloak-only";
    /**
     * {@code -Drace.rounds=N} runs every door N times, to soak one of them; the build runs 1 on the
     * embedded H2, as for {@link RevocationRaceIT}.
     */
    private static final int ROUNDS = Integer.getInteger("race.rounds", 3);
    /** Loops calling Keycloak's account API with the stolen access token. */
    private static final int BEARER_LOOPS = 4;

    private final RaceRounds race = new RaceRounds("door-victim");
    private KeycloakServer server;
    private TestRealm realm;
    private IdentityProvider upstream;

    @BeforeAll
    void createRealm(KeycloakServer server) {
        this.server = server;
        realm = TestRealm.create(server, "doors");
        upstream = IdentityProvider.create(server, "doors-upstream", realm);
    }

    /** The admin console's Sign out of the user. */
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminSignsOutTheUser(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.adminSignOut(realm, v.userId()), v -> realm.login(v.username()));
    }

    /** The admin console's Sessions tab. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminDeletesTheSession(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.adminSessionDelete(realm, v.tokens().sessionId()),
                Victim::owner);
    }

    /** The user, from another device, through Keycloak's account console (Device activity). */
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAccountApiDeletesTheSession(int refreshers) {
        refreshing(realm, refreshers, this::accountApiDelete, Victim::owner);
    }

    /** The user, from another device, signs out every other one in Keycloak's account console. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAccountApiSignsOutEveryOtherSession(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.accountApiSignOutOthers(realm, v.owner().accessToken()),
                Victim::owner);
    }

    /** The admin console's Sessions tab, an offline session (a stolen offline token in use). */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminDeletesAnOfflineSession(int refreshers) {
        race.run(realm, ROUNDS, refreshers, RevocationRace.Use.REFRESH, RaceRounds::signInOffline,
                v -> KeycloakDoors.adminOfflineSessionDelete(realm, v.tokens().sessionId()), Victim::owner);
    }

    /** The admin console's Consents tab: the application's offline access revoked, a stolen offline token in use. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminRevokesTheApplicationsOfflineAccess(int refreshers) {
        race.run(realm, ROUNDS, refreshers, RevocationRace.Use.REFRESH, RaceRounds::signInOffline,
                v -> KeycloakDoors.adminRevokesOfflineAccess(realm, v.userId()), Victim::owner);
    }

    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void applicationLogsOutThroughKeycloak(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.oidcLogout(realm, v.tokens().refreshToken()), Victim::owner);
    }

    /** The application's logout link, as its browser follows it, without Keycloak's cookies. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void applicationLogsOutWithTheIdTokenHint(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.oidcLogoutWithIdTokenHint(realm, v.tokens().idToken()),
                Victim::owner);
    }

    /** The admin console's Delete of the user: its sessions go with it. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminDeletesTheUser(int refreshers) {
        race.runDeletingTheUser(realm, ROUNDS, refreshers, v -> KeycloakDoors.adminDeletesTheUser(realm, v.userId()));
    }

    /**
     * The user signed in through an identity provider, whose administrator signs the user out
     * there: it tells this realm by back-channel logout.
     */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void identityProviderLogsTheUserOut(int refreshers) {
        race.run(realm, ROUNDS, refreshers, RevocationRace.Use.REFRESH, (r, username) -> upstream.signIn(username),
                v -> KeycloakDoors.adminSignOut(upstream.upstream(), upstream.upstreamUserId(v.username())),
                Victim::owner);
    }

    /** The session's only client session goes with its refresh token, and so does the session. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void applicationRevokesTheRefreshToken(int refreshers) {
        refreshing(realm, refreshers, v -> KeycloakDoors.tokenRevocation(realm, v.tokens().refreshToken()),
                Victim::owner);
    }

    /** In a realm of its own: it signs out everyone. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @ParameterizedTest(name = "{0} refreshing")
    @ValueSource(ints = {1, 12})
    void keycloakAdminSignsOutTheWholeRealm(int refreshers) {
        TestRealm everyone = TestRealm.create(server, "doors-logout-all-" + refreshers);
        refreshing(everyone, refreshers, v -> KeycloakDoors.adminSignOutOfTheRealm(everyone),
                v -> everyone.login(v.username()));
    }

    /** The thief holds only the access token and keeps calling Keycloak's account API with it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"admin sign-out", "admin session delete", "account API delete"})
    void bearerUseOfTheAccessTokenEndsWithTheSession(String door) {
        Function<Victim, Http.Reply> ending = switch (door) {
            case "admin sign-out" -> v -> KeycloakDoors.adminSignOut(realm, v.userId());
            case "admin session delete" -> v -> KeycloakDoors.adminSessionDelete(realm, v.tokens().sessionId());
            default -> this::accountApiDelete;
        };
        race.run(realm, ROUNDS, BEARER_LOOPS, RevocationRace.Use.BEARER, ending, v -> realm.login(v.username()));
    }

    /** A realm administrator signed out in the console; the thief keeps calling Keycloak's admin REST API. */
    @Tag(NEWEST_KEYCLOAK_ONLY)
    @Test
    void bearerUseOfTheAdminRestApiEndsWithTheSession() {
        race.run(realm, ROUNDS, BEARER_LOOPS, RevocationRace.Use.ADMIN_BEARER, RaceRounds::signInAdministrator,
                v -> KeycloakDoors.adminSignOut(realm, v.userId()), v -> realm.login(v.username()));
    }

    private void refreshing(TestRealm in, int refreshers, Function<Victim, Http.Reply> ending,
                            Function<Victim, Tokens> witness) {
        race.run(in, ROUNDS, refreshers, RevocationRace.Use.REFRESH, ending, witness);
    }

    private Http.Reply accountApiDelete(Victim v) {
        return KeycloakDoors.accountApiDelete(realm, v.tokens().sessionId(), v.owner().accessToken());
    }
}
