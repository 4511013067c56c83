package io.sessionmanager.keycloak.config;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The names each policy field goes by are public (README, realm exports, saved console forms): they stay as they were. */
class PolicyFieldTest {

    @Test
    void serverOptionsKeepTheirDocumentedNames() {
        assertThat(Arrays.stream(PolicyField.values()).map(PolicyField::option)).containsExactly("max-inactivity",
                "history-retention", "revoke-on-credential-change", "notify-new-device", "reauthenticate-within");
        assertThat(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.oldOption()).isEqualTo("revoke-on-password-change");
    }

    @Test
    void consoleFormFieldsAndLabelsKeepTheirNames() {
        assertThat(Arrays.stream(PolicyField.values()).map(PolicyField::formName)).containsExactly("maxInactivity",
                "historyRetention", "revokeOnPasswordChange", "notifyNewDevice", "reauthenticateWithin");
        assertThat(Arrays.stream(PolicyField.values()).map(PolicyField::label)).containsExactly(
                "sessionManagerMaxInactivity", "sessionManagerHistoryRetention",
                "sessionManagerRevokeOnCredentialChange", "sessionManagerNotifyNewDevice",
                "sessionManagerReauthenticateWithin");
    }

    @Test
    void aSwitchTakesOnlyTrueOrFalseAsABoolean() {
        assertThat(PolicyField.NOTIFY_NEW_DEVICE.fromText("true")).isEqualTo(Boolean.TRUE);
        assertThat(PolicyField.NOTIFY_NEW_DEVICE.fromText("yes")).isEqualTo("yes");
        assertThat(PolicyField.MAX_INACTIVITY.fromText("true")).isEqualTo("true");
    }

    @Test
    void aChoiceIsReadAsTheConsoleListsItAndByItsName() {
        assertThat(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.fromText("Every other session")).isEqualTo("OTHERS");
        assertThat(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.fromText("None")).isEqualTo("NONE");
        assertThat(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.fromText("ALL")).isEqualTo("ALL");
        assertThat(PolicyField.REVOKE_ON_CREDENTIAL_CHANGE.fromText("some")).isEqualTo("some");
    }

    @Test
    void theFormShowsDurationsAsANumberAndAUnitAndTheChoiceInWords() {
        assertThat(PolicyTab.formValues(SessionPolicy.DEFAULT)).containsExactly(
                Map.entry("maxInactivity", "7"), Map.entry("maxInactivityUnit", "days"),
                Map.entry("historyRetention", "30"), Map.entry("historyRetentionUnit", "days"),
                Map.entry("revokeOnPasswordChange", "Every other session"),
                Map.entry("notifyNewDevice", "false"),
                Map.entry("reauthenticateWithin", "10"), Map.entry("reauthenticateWithinUnit", "minutes"));
    }
}
