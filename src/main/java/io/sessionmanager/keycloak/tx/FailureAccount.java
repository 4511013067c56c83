package io.sessionmanager.keycloak.tx;

/**
 * What a failed step of work run outside its request means, said by whoever asked for the step:
 * counted where admins see it, logged, or both. A step that succeeds says so too, for accounts that
 * log the end of a run of failures.
 */
@FunctionalInterface
public interface FailureAccount {

    void failed(String realmId, RuntimeException failure);

    default void succeeded() {
    }
}
