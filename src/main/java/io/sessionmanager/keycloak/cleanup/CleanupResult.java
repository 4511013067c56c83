package io.sessionmanager.keycloak.cleanup;

/** What a cleanup did: records it ended (inactive, expired, or gone from Keycloak) and records it deleted. */
public record CleanupResult(long ended, long deleted) {

    public static final CleanupResult NONE = new CleanupResult(0, 0);

    public CleanupResult plus(CleanupResult other) {
        return new CleanupResult(ended + other.ended, deleted + other.deleted);
    }
}
