package io.sessionmanager.keycloak.config;

import io.sessionmanager.keycloak.compat.OnSupportedKeycloak;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** The message keys of a duration's unit field, and of a number the policy cannot take. */
    private static final String UNIT = "sessionManagerUnit";
    private static final String INVALID_AMOUNT = "sessionManagerInvalidAmount";
    private static final Logger LOG = Logger.getLogger(PolicyTab.class);
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
        formValues(policy).forEach(form::put);
        if (stored.isPresent()) {
            realm.updateComponent(form);
        } else {
            realm.addComponentModel(form);
        }
    }

    /** The form's fields for {@code policy}: a duration as a number and a unit, a choice as its list shows it. */
    static Map<String, String> formValues(SessionPolicy policy) {
        Map<String, String> values = new LinkedHashMap<>();
        for (PolicyField field : PolicyField.values()) {
            switch (field.kind()) {
                case DURATION -> {
                    FormDuration shown = FormDuration.of(field.durationIn(policy));
                    values.put(field.formName(), String.valueOf(shown.amount()));
                    values.put(field.unitFormName(), shown.unit().shown());
                }
                case CHOICE -> values.put(field.formName(), policy.revokeOnCredentialChange().shown());
                case SWITCH -> values.put(field.formName(), String.valueOf(field.valueIn(policy)));
            }
        }
        return values;
    }

    /**
     * Forms saved before durations had a number and a unit hold ISO-8601 texts the console's number
     * fields cannot show: they are written again, from the realm's policy, once the database is ready.
     */
    private static void showInEveryOlderForm(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                olderForms(factory).forEach(realmId -> showAgain(factory, realmId));
            }
        });
    }

    /** The realms with an older form; none if they cannot be read, which is never a reason not to start. */
    private static List<String> olderForms(KeycloakSessionFactory factory) {
        try {
            return RealmTransaction.serverWide(factory, session -> session.realms().getRealmsStream()
                    .filter(realm -> olderForm(realm).isPresent()).map(RealmModel::getId).toList());
        } catch (RuntimeException e) {
            LOG.warn("The admin console's forms of the session policy not updated", e);
            return List.of();
        }
    }

    /** One realm's form, in a transaction of its own: a realm that fails keeps its old form, and holds up none. */
    private static void showAgain(KeycloakSessionFactory factory, String realmId) {
        try {
            RealmTransaction.on(factory, realmId).run((session, realm) -> show(session, realm, config(session).policy(realm)));
        } catch (RuntimeException e) {
            // The policy itself is untouched. Never a reason not to start.
            LOG.warnf(e, "The admin console's form of the session policy of realm %s not updated", realmId);
        }
    }

    private static Optional<ComponentModel> olderForm(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), PROVIDER_TYPE)
                .filter(component -> ID.equals(component.getProviderId()))
                .filter(component -> component.get(PolicyField.MAX_INACTIVITY.unitFormName()) == null)
                .findFirst();
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
                fields.put(field.key(), field.fromText(field.kind() == PolicyField.Kind.DURATION
                        ? duration(field, value, form.get(field.unitFormName())) : value.trim()));
            }
        }
        try {
            return config(session).policy(realm).with(fields);
        } catch (IllegalArgumentException e) {
            // Keycloak formats the message as a pattern: the value quoted in it ("{x}") goes in as a parameter.
            throw new ComponentValidationException("{0}", e.getMessage());
        }
    }

    /**
     * A number and a unit as the ISO-8601 duration the policy takes. A form without the unit (saved
     * through the components API, or before the tab had units) holds the ISO-8601 text itself.
     */
    private static String duration(PolicyField field, String amount, String unit) {
        if (unit == null) {
            return amount.trim();
        }
        int least = field == PolicyField.MAX_INACTIVITY ? 1 : 0;
        return FormDuration.iso(amount, unit)
                .filter(iso -> !Duration.parse(iso).minus(Duration.ofSeconds(least)).isNegative())
                .orElseThrow(() -> new ComponentValidationException(INVALID_AMOUNT, field.label(), least));
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
        Map<String, String> shown = formValues(defaults);
        ProviderConfigurationBuilder form = ProviderConfigurationBuilder.create();
        for (PolicyField field : PolicyField.values()) {
            property(form, field, shown);
        }
        properties = form.build();
        showInEveryOlderForm(factory);
    }

    /**
     * A field of the form, and a duration's unit after its number, as Keycloak's own Sessions tab
     * asks for durations. A number is required: left empty it would mean nothing.
     */
    private static void property(ProviderConfigurationBuilder form, PolicyField field, Map<String, String> defaults) {
        var property = form.property().name(field.formName()).label(field.label()).helpText(field.label() + "Help")
                .defaultValue(defaults.get(field.formName()));
        switch (field.kind()) {
            case DURATION -> property.type(ProviderConfigProperty.INTEGER_TYPE).required(true);
            case CHOICE -> property.type(ProviderConfigProperty.LIST_TYPE).options(
                    Arrays.stream(RevokeOnCredentialChange.values()).map(RevokeOnCredentialChange::shown).toList());
            case SWITCH -> property.type(ProviderConfigProperty.BOOLEAN_TYPE);
        }
        property.add();
        if (field.kind() == PolicyField.Kind.DURATION) {
            form.property().name(field.unitFormName()).label(UNIT).helpText(UNIT + "Help")
                    .type(ProviderConfigProperty.LIST_TYPE).options(FormDuration.Unit.options())
                    .defaultValue(defaults.get(field.unitFormName())).add();
        }
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
