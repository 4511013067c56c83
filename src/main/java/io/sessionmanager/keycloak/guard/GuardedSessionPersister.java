package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.session.UserSessionPersisterProvider;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keycloak's own store of sessions in the database, with three checks, so that every ending holds
 * whichever door it came through, a deleted user's sessions included (keycloak/keycloak#51127: a
 * lookup that misses the cache reads a session back from the database while its removal is half
 * done, and the copy lives on):
 * <ul>
 *   <li>a session removed from the database is marked ended first ({@link RevocationMarks}), on
 *       every node, and a sweep ends any copy that racing requests restored
 *       ({@link RestoredCopySweep});</li>
 *   <li>a marked session is never read back from the database ({@code loadUserSession} finds
 *       none), so no later lookup restores it;</li>
 *   <li>a session refused that way is never written back as new ({@code createUserSession} of it
 *       does nothing): Keycloak inserts a session it could not read when a request that used it
 *       commits, which would re-insert it.</li>
 * </ul>
 * Every other call goes to Keycloak's store unchanged. A proxy rather than a subclass: the store's
 * constructor and its interface differ between the supported Keycloak versions, and a proxy
 * implements whichever interface the running Keycloak has.
 */
final class GuardedSessionPersister implements InvocationHandler {

    private static final Logger LOG = Logger.getLogger(GuardedSessionPersister.class);

    private final KeycloakSession session;
    private final UserSessionPersisterProvider keycloaks;
    /**
     * Sessions this request was refused to read back because they ended. Keycloak writes a session
     * it could not read as new ("add if absent"): for these, that would re-insert an ended session.
     * A session never read is new, and needs no look at the marks (sign-ins stay as they were).
     */
    private final Set<String> refusedToLoad = new HashSet<>();
    private SingleUseObjectProvider marks;

    private GuardedSessionPersister(KeycloakSession session, UserSessionPersisterProvider keycloaks) {
        this.session = session;
        this.keycloaks = keycloaks;
    }

    static UserSessionPersisterProvider wrap(KeycloakSession session, UserSessionPersisterProvider keycloaks) {
        return (UserSessionPersisterProvider) Proxy.newProxyInstance(GuardedSessionPersister.class.getClassLoader(),
                new Class<?>[]{UserSessionPersisterProvider.class}, new GuardedSessionPersister(session, keycloaks));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "removeUserSession" -> {
                if (args.length == 2 && args[0] instanceof String id && args[1] instanceof Boolean offline) {
                    markRemoved(session.getContext().getRealm(), id, offline);
                }
            }
            case "onUserRemoved" -> {
                if (args.length == 2 && args[0] instanceof RealmModel realm && args[1] instanceof UserModel user) {
                    markSessionsOf(realm, user);
                }
            }
            case "loadUserSession" -> {
                if (args.length == 3 && args[1] instanceof String id && args[2] instanceof Boolean offline
                        && isMarked(id, offline)) {
                    refusedToLoad.add(key(id, offline));
                    return null;
                }
            }
            case "createUserSession" -> {
                if (args.length == 2 && args[0] instanceof UserSessionModel created && args[1] instanceof Boolean offline
                        && refusedToLoad.contains(key(created.getId(), offline))) {
                    LOG.debug("Not writing back a session that was ended");
                    return null;
                }
            }
            default -> {
            }
        }
        try {
            return method.invoke(keycloaks, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * A deleted user's sessions go in one statement that names none of them: each is marked first,
     * as any removal. Without the marks, a refresh racing the delete writes its session back, and
     * where the database let it read the user from before the delete (MariaDB's snapshot), the
     * session of a deleted user went on being refreshed.
     */
    private void markSessionsOf(RealmModel realm, UserModel user) {
        for (boolean offline : new boolean[]{false, true}) {
            keycloaks.loadUserSessionsStream(realm, user, offline, null, null).map(UserSessionModel::getId).toList()
                    .forEach(id -> markRemoved(realm, id, offline));
        }
    }

    private void markRemoved(RealmModel realm, String id, boolean offline) {
        withMarks(store -> RevocationMarks.markRemoval(store, realm, id, offline));
        if (realm != null) {
            RestoredCopySweep.schedule(session.getKeycloakSessionFactory(), realm.getId(), id);
        }
    }

    private static String key(String id, boolean offline) {
        return (offline ? "offline:" : "online:") + id;
    }

    private boolean isMarked(String id, boolean offline) {
        return withMarks(store -> RevocationMarks.isRevoked(store, id, offline));
    }

    /**
     * Runs {@code check} on this session's single-use store or, when no provider may join this
     * session's transaction any more (Keycloak's store is also called while the request commits),
     * on the store of a session of its own. Taken when first needed, never earlier: while Keycloak
     * starts, its store of sessions is used before the single-use store exists, and finds nothing
     * marked then.
     */
    private boolean withMarks(Predicate<SingleUseObjectProvider> check) {
        try {
            if (marks == null) {
                marks = session.singleUseObjects();
            }
            return check.test(marks);
        } catch (IllegalStateException joiningTooLate) {
            return RealmTransaction.serverWide(session.getKeycloakSessionFactory(),
                    own -> check.test(own.singleUseObjects()));
        } catch (RuntimeException notStartedYet) {
            LOG.debugf(notStartedYet, "No single-use store to check ended sessions in yet");
            return false;
        }
    }
}
