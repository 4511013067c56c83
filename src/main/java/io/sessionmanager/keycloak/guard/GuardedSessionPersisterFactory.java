package io.sessionmanager.keycloak.guard;

import io.sessionmanager.keycloak.compat.SupportedKeycloak;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.session.JpaUserSessionPersisterProviderFactory;
import org.keycloak.models.session.UserSessionPersisterProvider;

/**
 * Takes the place of Keycloak's database store of sessions (same id, higher order): the store is
 * Keycloak's own, behind the checks of {@link GuardedSessionPersister}.
 */
public class GuardedSessionPersisterFactory extends JpaUserSessionPersisterProviderFactory {

    /** Above Keycloak's own factory (order 0), which shares the id. */
    static final int ORDER = 100;

    @Override
    public UserSessionPersisterProvider create(KeycloakSession session) {
        return GuardedSessionPersister.wrap(session, super.create(session));
    }

    @Override
    public int order() {
        return SupportedKeycloak.orderAboveKeycloak(ORDER);
    }

    @Override
    public void close() {
        RestoredCopySweep.stop();
        super.close();
    }
}
