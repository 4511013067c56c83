package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.metrics.SessionMetrics;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.model.SessionTwins;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Ends the copies of an ended session that a request racing its removal brought back: the Keycloak
 * sessions with its id whose kind (online, offline) carries a {@link RevocationMarks mark}. The
 * other kind stays: an offline session outlives the logout of the online one it came from. The
 * records stay as they ended.
 */
public final class RestoredCopies {

    private static final Logger LOG = Logger.getLogger(RestoredCopies.class);

    private RestoredCopies() {
    }

    /** Ends, once more, what Keycloak holds again of a record that was already revoked, marking it again first. */
    public static void endAgain(KeycloakSession session, RealmModel realm, SessionRecord record) {
        RevocationMarks.mark(session, realm, record);
        endAgain(session, realm, record.getKeycloakSessionId());
    }

    /** Removes the marked kinds of the Keycloak session with this id, if a racing request brought them back. */
    public static void endAgain(KeycloakSession session, RealmModel realm, String keycloakSessionId) {
        SingleUseObjectProvider marks = session.singleUseObjects();
        SessionTwins copies = SessionTwins.find(session, realm, keycloakSessionId,
                RevocationMarks.isRevoked(marks, keycloakSessionId, false),
                RevocationMarks.isRevoked(marks, keycloakSessionId, true));
        if (!copies.isEmpty()) {
            LOG.debug("A revoked session came back after its revocation; ending it again");
            SessionMetrics.revocationRepeated(session);
            copies.remove(session, realm);
        }
    }

    /**
     * For a request about to use the session with this id: whether the session was ended (its mark
     * is there), in which case whatever copy of it Keycloak holds again is ended now
     * ({@link #endNow}) and the use is to be refused.
     */
    public static boolean endIfRevoked(KeycloakSession session, RealmModel realm, String keycloakSessionId,
                                       boolean offline) {
        if (!RevocationMarks.isRevoked(session, keycloakSessionId, offline)) {
            return false;
        }
        SessionMetrics.revocationRefused();
        endNow(session.getKeycloakSessionFactory(), realm.getId(), keycloakSessionId);
        return true;
    }

    /**
     * As {@link #endAgain(KeycloakSession, RealmModel, String)}, in a transaction of its own committed
     * before this returns: for a request about to use the session, which must then find it gone.
     * Should that fail (its revocation still holding the rows, say), the request goes on; the use is
     * refused by the mark where it can be, and the copy is ended again after the request
     * ({@link RestoredCopyListener}) or by the sweep ({@link RestoredCopySweep}).
     */
    static void endNow(KeycloakSessionFactory factory, String realmId, String keycloakSessionId) {
        try {
            RealmTransaction.on(factory, realmId).run((s, realm) -> endAgain(s, realm, keycloakSessionId));
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not end a revoked session again");
        }
    }

    /** The race guard's account of a failed "end again" after a request: logged, as the sweep and the next use catch it. */
    static void failed(String realmId, RuntimeException failure) {
        LOG.debugf(failure, "Could not end a revoked session again after a request");
    }
}
