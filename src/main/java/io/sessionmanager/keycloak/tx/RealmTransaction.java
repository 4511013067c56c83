package io.sessionmanager.keycloak.tx;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where work runs outside its caller's transaction: a transaction of its own, committed when the
 * work returns, in a Keycloak session whose context is bound to one realm (Keycloak's stores
 * require it) and, where one is given, to a request (Keycloak's back-channel logout needs one; on a
 * request's own thread its context finds that request by itself). The one way this extension
 * begins a transaction.
 * <p>
 * Work on a realm deleted meanwhile does not run: its sessions and records went with it. A failure
 * rolls the transaction back and propagates; what it means is the caller's to say.
 */
public record RealmTransaction(KeycloakSessionFactory factory, String realmId, OriginalRequest request) {

    /** Work on the realm, in the session of its own transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(KeycloakSession session, RealmModel realm);
    }

    /** Work on the realm that returns nothing. */
    @FunctionalInterface
    public interface Task {
        void run(KeycloakSession session, RealmModel realm);
    }

    /** On {@code realm}, within the request {@code session} serves, if any. */
    public static RealmTransaction of(KeycloakSession session, RealmModel realm) {
        return new RealmTransaction(session.getKeycloakSessionFactory(), realm.getId(), OriginalRequest.of(session));
    }

    /** On the realm with this id, within whatever request the running thread serves. */
    public static RealmTransaction on(KeycloakSessionFactory factory, String realmId) {
        return new RealmTransaction(factory, realmId, null);
    }

    /** What the work returned; empty when the realm is gone (or the work returned null). */
    public <T> Optional<T> call(Work<T> work) {
        return Optional.ofNullable(KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(realmId);
            if (realm == null) {
                return null;
            }
            s.getContext().setRealm(realm);
            if (request != null) {
                request.applyTo(s);
            }
            return work.run(s, realm);
        }));
    }

    /** Work bound to no realm (the cleanup's schedule, the single-use store), in a transaction of its own. */
    public static <T> T serverWide(KeycloakSessionFactory factory, Function<KeycloakSession, T> work) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, work::apply);
    }

    /** Runs the task, unless the realm is gone. */
    public void run(Task task) {
        call((s, realm) -> {
            task.run(s, realm);
            return Boolean.TRUE;
        });
    }
}
