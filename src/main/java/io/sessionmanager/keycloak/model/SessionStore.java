package io.sessionmanager.keycloak.model;

import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Every read and write of the session table. Runs in the caller's Keycloak transaction. */
public final class SessionStore {

    private final EntityManager em;

    private SessionStore(EntityManager em) {
        this.em = em;
    }

    public static SessionStore of(KeycloakSession session) {
        return new SessionStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    public void insert(SessionRecord record) {
        em.persist(record);
    }

    /** Writes pending changes now, so that a constraint violation surfaces here and not at commit. */
    public void flush() {
        em.flush();
    }

    public Optional<SessionRecord> findByKeycloakSessionId(String keycloakSessionId) {
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId = :kcId", SessionRecord.class)
                .setParameter("kcId", keycloakSessionId)
                .getResultStream()
                .findFirst();
    }

    public List<SessionRecord> findByKeycloakSessionIds(Collection<String> keycloakSessionIds) {
        if (keycloakSessionIds.isEmpty()) {
            return List.of();
        }
        return em.createQuery("select r from SessionRecord r where r.keycloakSessionId in :kcIds", SessionRecord.class)
                .setParameter("kcIds", keycloakSessionIds)
                .getResultList();
    }

    public List<SessionRecord> findActive(String realmId, String userId) {
        return em.createQuery("select r from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                        + " and r.status = :status", SessionRecord.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("status", SessionStatus.ACTIVE)
                .getResultList();
    }

    /** A user's ended sessions, most recently ended first. */
    public List<SessionRecord> findEnded(String realmId, String userId, int first, int max) {
        return em.createQuery("select r from SessionRecord r where r.realmId = :realmId and r.userId = :userId"
                        + " and r.status <> :status order by r.endedAt desc, r.id", SessionRecord.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setParameter("status", SessionStatus.ACTIVE)
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
    }

    /** One of the user's sessions by its public id; empty for anyone else's, so ids reveal nothing. */
    public Optional<SessionRecord> findForUser(String realmId, String userId, String id) {
        return Optional.ofNullable(em.find(SessionRecord.class, id))
                .filter(r -> r.getRealmId().equals(realmId) && r.getUserId().equals(userId));
    }
}
