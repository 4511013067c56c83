package io.sessionmanager.keycloak.config;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "Session manager" tab under Realm settings in Keycloak's admin console, through Keycloak's
 * declarative admin UI (the {@code declarative-ui} feature, experimental in 26.x: without it the
 * console shows no extension tabs and this factory is never asked for one).
 * <p>
 * The console keeps a tab's form as a realm component and saves it through Keycloak's components
 * API, which only admins who may manage the realm can call. The policy itself stays where the admin
 * API keeps it ({@link SessionManagerConfig}): saving the tab validates the form exactly as
 * {@code PUT .../config} does (an invalid value is Keycloak's validation error, and nothing is
 * saved) and then writes the policy; saving through the API writes the form's component
 * ({@link #show}). Each place shows what the other saved.
 */
public final class PolicyTab implements UiTabProvider, UiTabProviderFactory<ComponentModel>, OnSupportedKeycloak {

    /** The provider id, the route's {@code tab} parameter, and the message key of the tab's title. */
    public static final String ID = "session-manager";
    private static final String PROVIDER_TYPE = UiTabProvider.class.getName();
    /**
     * The form's fields. The sign-in factor field keeps its old name here: forms saved before the
     * rename hold it under that name, and the console would show the server's default in their place.
     */
    private static final List<String> FIELDS = List.of(SessionPolicy.MAX_INACTIVITY, SessionPolicy.HISTORY_RETENTION,
            SessionPolicy.REVOKE_ON_PASSWORD_CHANGE, SessionPolicy.NOTIFY_NEW_DEVICE, SessionPolicy.REAUTHENTICATE_WITHIN);

    private List<ProviderConfigProperty> properties = List.of();

    /**
     * Shows the realm's policy in the tab's form, if the console has tabs: the admin API saved it.
     * Writing the component runs {@link #onUpdate}, which writes the same policy again.
     */
    static void show(KeycloakSession session, RealmModel realm, SessionPolicy policy) {
        if (session.getKeycloakSessionFactory().getProviderFactory(UiTabProvider.class, ID) == null) {
            return;
        }
        Optional<ComponentModel> stored = realm.getComponentsStream(realm.getId(), PROVIDER_TYPE)
                .filter(component -> ID.equals(component.getProviderId()))
                .findFirst();
        ComponentModel form = stored.orElseGet(() -> newForm(realm));
        Map<String, Object> values = policy.toMap();
        FIELDS.forEach(field -> form.put(field, String.valueOf(values.get(field))));
        if (stored.isPresent()) {
            realm.updateComponent(form);
        } else {
            realm.addComponentModel(form);
        }
    }

    private static ComponentModel newForm(RealmModel realm) {
        ComponentModel form = new ComponentModel();
        form.setName(ID);
        form.setProviderId(ID);
        form.setProviderType(PROVIDER_TYPE);
        form.setParentId(realm.getId());
        return form;
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel form) {
        policy(session, realm, form);
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel form) {
        config(session).store(realm, policy(session, realm, form));
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel before, ComponentModel form) {
        config(session).store(realm, policy(session, realm, form));
    }

    /** The realm's policy with the form's fields, checked as the admin API checks them. */
    private static SessionPolicy policy(KeycloakSession session, RealmModel realm, ComponentModel form) {
        Map<String, Object> fields = new HashMap<>();
        for (String field : FIELDS) {
            String value = form.get(field);
            if (value != null) {
                fields.put(field, field.equals(SessionPolicy.NOTIFY_NEW_DEVICE) ? typed(value) : value.trim());
            }
        }
        try {
            return config(session).policy(realm).with(fields);
        } catch (IllegalArgumentException e) {
            throw new ComponentValidationException(e.getMessage());
        }
    }

    /** The console sends a switch as "true" or "false"; anything else is left for the policy to refuse. */
    private static Object typed(String value) {
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> value;
        };
    }

    private static SessionManagerConfig config(KeycloakSession session) {
        return session.getProvider(SessionManagerConfig.class);
    }

    /** The form, its fields' defaults being the server's: what a realm that saved nothing follows. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        SessionPolicy defaults;
        try (KeycloakSession session = factory.create()) {
            defaults = config(session).settings().defaultPolicy();
        }
        properties = ProviderConfigurationBuilder.create()
                .property().name(SessionPolicy.MAX_INACTIVITY).type(ProviderConfigProperty.STRING_TYPE)
                .label("sessionManagerMaxInactivity").helpText("sessionManagerMaxInactivityHelp")
                .defaultValue(SessionPolicy.format(defaults.maxInactivity())).required(true).add()
                .property().name(SessionPolicy.HISTORY_RETENTION).type(ProviderConfigProperty.STRING_TYPE)
                .label("sessionManagerHistoryRetention").helpText("sessionManagerHistoryRetentionHelp")
                .defaultValue(SessionPolicy.format(defaults.historyRetention())).required(true).add()
                .property().name(SessionPolicy.REVOKE_ON_PASSWORD_CHANGE).type(ProviderConfigProperty.LIST_TYPE)
                .label("sessionManagerRevokeOnCredentialChange").helpText("sessionManagerRevokeOnCredentialChangeHelp")
                .options(RevokeOnCredentialChange.OTHERS.name(), RevokeOnCredentialChange.ALL.name(),
                        RevokeOnCredentialChange.NONE.name())
                .defaultValue(defaults.revokeOnCredentialChange().name()).add()
                .property().name(SessionPolicy.NOTIFY_NEW_DEVICE).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .label("sessionManagerNotifyNewDevice").helpText("sessionManagerNotifyNewDeviceHelp")
                .defaultValue(defaults.notifyNewDevice()).add()
                .property().name(SessionPolicy.REAUTHENTICATE_WITHIN).type(ProviderConfigProperty.STRING_TYPE)
                .label("sessionManagerReauthenticateWithin").helpText("sessionManagerReauthenticateWithinHelp")
                .defaultValue(SessionPolicy.format(defaults.reauthenticateWithin())).required(true).add()
                .build();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public String getHelpText() {
        return "sessionManagerTabHelp";
    }

    @Override
    public String getPath() {
        return "/:realm/realm-settings/:tab?";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", ID);
    }

    @Override
    public UiTabProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
