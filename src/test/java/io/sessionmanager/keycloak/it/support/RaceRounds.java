package io.sessionmanager.keycloak.it.support;


import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import static io.sessionmanager.keycloak.it.support.Sessions.currentId;
import static io.sessionmanager.keycloak.it.support.Sessions.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rounds of one way of ending a session while a thief uses it: each round a fresh user signed in
 * twice (the victim session the loops use, and the owner's on another device), the ending raced
 * ({@link RevocationRace}), then every check of SPEC "What revoked means".
 */
public final class RaceRounds {

    /** The victim's session and its user; {@code owner} is the user's other session, where there is one. */
    public record Victim(String username, Tokens tokens, String publicId, Tokens owner, String userId) {

        public Victim(String username, Tokens tokens, String publicId, String userId) {
            this(username, tokens, publicId, null, userId);
        }
    }

    private final String prefix;
    private int users;

    /** Users are named {@code prefix-N}, unique within the realms this instance is used with. */
    public RaceRounds(String prefix) {
        this.prefix = prefix;
    }

    public String nextUser() {
        return prefix + "-" + users++;
    }

    /** A new user with two sessions: the victim's, and the owner's on another device. */
    public static Victim signIn(TestRealm realm, String username) {
        String userId = realm.createUser(username);
        return victim(realm, username, userId, realm.login(username));
    }

    /** As {@link #signIn}, the victim's session an offline one (a sign-in with {@code offline_access}). */
    public static Victim signInOffline(TestRealm realm, String username) {
        String userId = realm.createUser(username);
        return victim(realm, username, userId, realm.loginOffline(username));
    }

    /** As {@link #signIn}, the user a realm administrator who may view users. */
    public static Victim signInAdministrator(TestRealm realm, String username) {
        String userId = realm.createUser(username);
        realm.grantRealmManagementRoles(userId, "view-users");
        return victim(realm, username, userId, realm.login(username));
    }

    /**
     * The victim's session {@code tokens}, and the owner signed in again on another device. A plain
     * Keycloak (the benchmark's) has no list to take the session's id from: none then.
     */
    static Victim victim(TestRealm realm, String username, String userId, Tokens tokens) {
        Http.Reply list = Http.get(realm.sessionsUrl(), tokens.accessToken());
        return new Victim(username, tokens, list.status() == 404 ? null : currentId(list), realm.login(username), userId);
    }

    /**
     * {@code rounds} rounds, the loops using the session as {@code use} says; {@code witness} gives
     * a live session of the user afterwards, to read the lists with.
     */
    public void run(TestRealm realm, int rounds, int loops, RevocationRace.Use use,
                    Function<Victim, Http.Reply> ending, Function<Victim, Tokens> witness) {
        run(realm, rounds, loops, use, RaceRounds::signIn, ending, witness);
    }

    /** As {@link #run(TestRealm, int, int, RevocationRace.Use, Function, Function)}, victims signed in by {@code signIn}. */
    public void run(TestRealm realm, int rounds, int loops, RevocationRace.Use use,
                    BiFunction<TestRealm, String, Victim> signIn, Function<Victim, Http.Reply> ending,
                    Function<Victim, Tokens> witness) {
        eachRound(realm, rounds, loops, use, signIn, ending, (victim, race) -> {
            race.assertHeld(victim.userId());
            assertGoneFromAllLists(realm, race, victim, witness.apply(victim));
        });
    }

    /**
     * As {@link #run(TestRealm, int, int, RevocationRace.Use, Function, Function)} with refresh
     * loops, the ending deleting the user: nothing of the user is left in Keycloak's or this
     * extension's lists, and its other session is refused too.
     */
    public void runDeletingTheUser(TestRealm realm, int rounds, int loops, Function<Victim, Http.Reply> ending) {
        eachRound(realm, rounds, loops, RevocationRace.Use.REFRESH, RaceRounds::signIn, ending, (victim, race) -> {
            race.assertHeld(victim.userId());
            // A copy a racing request restored would be written back to Keycloak's table when it commits.
            assertThat(realm.server().database().count("select count(*) from OFFLINE_USER_SESSION where USER_ID = ?",
                    victim.userId())).as("Keycloak's stored sessions of the deleted user").isZero();
            // 404; or, while Keycloak's user cache still holds the deleted user (seen on MariaDB, where a
            // request racing the delete read the user from its older snapshot), 200 and nothing listed.
            Http.Reply ours = realm.admin().get(realm.adminApi() + "/users/" + victim.userId() + "/sessions");
            if (ours.status() != 404) {
                assertThat(ours.status()).as(ours.body()).isEqualTo(200);
                assertThat(ours.json()).as("this extension's admin list of a deleted user").isEmpty();
            }
            assertThat(realm.refresh(victim.owner().refreshToken()).status()).as("the user's other session").isEqualTo(400);
            race.assertAllRefused("after the lists were read");
        });
    }

    /** The rounds: each a new victim, the race, then {@code checks}. */
    private void eachRound(TestRealm realm, int rounds, int loops, RevocationRace.Use use,
                           BiFunction<TestRealm, String, Victim> signIn, Function<Victim, Http.Reply> ending,
                           BiConsumer<Victim, RevocationRace.Outcome> checks) {
        for (int round = 0; round < rounds; round++) {
            Victim victim = signIn.apply(realm, nextUser());

            RevocationRace.Outcome race = RevocationRace.run(realm, victim.tokens(), loops, use,
                    () -> ending.apply(victim));

            checks.accept(victim, race);
        }
    }

    /** Our lists (the user's and the admin's) and Keycloak's account API, asked with a live session of the user. */
    public static void assertGoneFromAllLists(TestRealm realm, RevocationRace.Outcome race, Victim victim,
                                              Tokens witness) {
        race.assertNotListedByKeycloakAccountApi(witness);
        assertThat(list(realm, witness)).extracting(s -> s.path("id").asText()).doesNotContain(victim.publicId());
        assertThat(realm.admin().mustGet(realm.adminApi() + "/users/" + victim.userId() + "/sessions").json())
                .noneSatisfy(s -> assertThat(s.path("id").asText()).isEqualTo(victim.publicId()));
        race.assertAllRefused("after the lists were read");
    }
}
