package io.sessionmanager.keycloak.policy;

import io.sessionmanager.keycloak.compat.SupportedKeycloak;
import io.sessionmanager.keycloak.config.RevokeOnCredentialChange;
import io.sessionmanager.keycloak.config.SessionManagerConfig;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.UpdatePassword;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's update-password form, telling the user what the realm's policy will end. The form's own
 * "Sign out from other devices" box only decides for Keycloak; the policy ends the other sessions on
 * every password change whether it is ticked or not (the box is unticked by default, and a user who
 * changes a password after a compromise must not keep the intruder signed in by leaving it so).
 * Rather than a page that says one thing while the product does another, the form says what will
 * happen, above the box. Takes the place of Keycloak's factory (same id, higher order) and changes
 * nothing else.
 */
public class PolicyNoticeUpdatePassword extends UpdatePassword {

    static final String ENDS_OTHERS = "sessionManagerPasswordChangeEndsOthers";
    static final String ENDS_ALL = "sessionManagerPasswordChangeEndsAll";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        RevokeOnCredentialChange policy = context.getSession().getProvider(SessionManagerConfig.class)
                .policy(context.getRealm()).revokeOnCredentialChange();
        // Keycloak's form provider is one per request: the notice stays on the form the action then shows.
        switch (policy) {
            case OTHERS -> context.form().setInfo(ENDS_OTHERS);
            case ALL -> context.form().setInfo(ENDS_ALL);
            case NONE -> {
            }
        }
        super.requiredActionChallenge(context);
    }

    /** Keycloak's factory makes a provider of its own class: this one makes one of this. */
    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new PolicyNoticeUpdatePassword();
    }

    @Override
    public int order() {
        return SupportedKeycloak.orderAboveKeycloak(1);
    }
}
