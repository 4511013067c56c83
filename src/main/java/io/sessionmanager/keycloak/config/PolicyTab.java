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

import java.util.Arrays;
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
        for (PolicyField field : PolicyField.values()) {
            form.put(field.formName(), String.valueOf(field.valueIn(policy)));
        }
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
        for (PolicyField field : PolicyField.values()) {
            String value = form.get(field.formName());
            if (value != null) {
                fields.put(field.key(), field.kind() == PolicyField.Kind.SWITCH ? field.fromText(value) : value.trim());
            }
        }
        try {
            return config(session).policy(realm).with(fields);
        } catch (IllegalArgumentException e) {
            throw new ComponentValidationException(e.getMessage());
        }
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
        ProviderConfigurationBuilder form = ProviderConfigurationBuilder.create();
        for (PolicyField field : PolicyField.values()) {
            property(form, field, defaults);
        }
        properties = form.build();
    }

    /** A field of the form; durations are required, as a duration left empty would mean nothing. */
    private static void property(ProviderConfigurationBuilder form, PolicyField field, SessionPolicy defaults) {
        var property = form.property().name(field.formName()).label(field.label()).helpText(field.label() + "Help")
                .defaultValue(field.valueIn(defaults));
        switch (field.kind()) {
            case DURATION -> property.type(ProviderConfigProperty.STRING_TYPE).required(true);
            case CHOICE -> property.type(ProviderConfigProperty.LIST_TYPE).options(
                    Arrays.stream(RevokeOnCredentialChange.values()).map(Enum::name).toList());
            case SWITCH -> property.type(ProviderConfigProperty.BOOLEAN_TYPE);
        }
        property.add();
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
