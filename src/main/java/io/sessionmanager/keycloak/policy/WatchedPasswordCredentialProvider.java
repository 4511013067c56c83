package io.sessionmanager.keycloak.policy;

import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.PasswordCredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's password credential provider, reporting every stored password to
 * {@link CredentialChanges}. Every path that sets a local password ends here (self-service, required
 * action, forgot-password, admin reset, an admin user update carrying credentials), including those
 * Keycloak sends no event for.
 * <p>
 * Checking a password is left to Keycloak's own instance, which keeps its hashing metrics.
 */
final class WatchedPasswordCredentialProvider extends PasswordCredentialProvider {

    private final PasswordCredentialProvider keycloaks;

    WatchedPasswordCredentialProvider(KeycloakSession session, PasswordCredentialProvider keycloaks) {
        super(session, null, false, false, false, false, false);
        this.keycloaks = keycloaks;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, PasswordCredentialModel credential) {
        CredentialModel stored = super.createCredential(realm, user, credential);
        CredentialChanges.passwordChanged(session, realm.getId(), user.getId(), changingSession());
        return stored;
    }

    /**
     * The session the browser that changed the password is signed in with, or is about to be:
     * Keycloak gives a user session the id of the browser's root authentication session. None
     * for the admin API.
     */
    private String changingSession() {
        AuthenticationSessionModel flow = session.getContext().getAuthenticationSession();
        return flow == null || flow.getParentSession() == null ? null : flow.getParentSession().getId();
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return keycloaks.isValid(realm, user, input);
    }
}
