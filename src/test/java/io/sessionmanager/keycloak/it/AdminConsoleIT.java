package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.BrowserTests;
import io.sessionmanager.keycloak.it.support.Distributions;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.KeycloakExtension;
import io.sessionmanager.keycloak.it.support.KeycloakServer;
import io.sessionmanager.keycloak.it.support.TestRealm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the "Session manager" tab under Realm settings in Keycloak's admin console, in a real
 * Chromium ({@code themes/session-manager/e2e/admin-tab.test.mjs}), with the shared server's
 * {@code --features=declarative-ui}: it shows and changes the policy the admin API reads and writes,
 * refuses an invalid value with Keycloak's validation message, speaks German. Here: only admins
 * who may manage the realm can save it.
 */
@ExtendWith(KeycloakExtension.class)
class AdminConsoleIT {

    private static final String TAB_TYPE = "org.keycloak.services.ui.extend.UiTabProvider";

    @Test
    void theTabWorksInARealBrowser(KeycloakServer server) throws IOException, InterruptedException {
        TestRealm realm = TestRealm.create(server, "admin-tab", Map.of(
                "internationalizationEnabled", true,
                "supportedLocales", List.of("en", "de"),
                "defaultLocale", "en"));
        realm.grantRealmManagementRoles(realm.createUser("root"), "realm-admin");
        realm.grantRealmManagementRoles(realm.createUser("wurzel", Map.of("locale", List.of("de"))), "realm-admin");
        Path screenshot = BrowserTests.screenshot("admin-session-manager-tab.png");

        BrowserTests.run("e2e/admin-tab.test.mjs", Map.of(
                "BASE_URL", server.baseUrl(),
                "REALM", realm.name(),
                "ADMIN", "root",
                "GERMAN_ADMIN", "wurzel",
                "PASSWORD", TestRealm.PASSWORD,
                "SCREENSHOT", screenshot.toString(),
                "KEYCLOAK_VERSION", Distributions.version()), 3);

        assertThat(screenshot).isNotEmptyFile();
    }

    @Test
    void onlyAdminsWhoMayManageTheRealmCanSaveTheTab(KeycloakServer server) {
        TestRealm realm = TestRealm.create(server, "admin-tab-view");
        realm.grantRealmManagementRoles(realm.createUser("viewer"), "view-realm");
        String viewer = realm.adminCliToken("viewer");
        String components = server.baseUrl() + "/admin/realms/" + realm.name() + "/components";
        Map<String, Object> form = Map.of("name", "session-manager", "providerId", "session-manager",
                "providerType", TAB_TYPE, "parentId", realm.id(),
                "config", Map.of("maxInactivity", List.of("P1D")));

        Http.Reply refused = Http.postJson(components, viewer, form);
        Http.Reply saved = Http.postJson(components, realm.admin().accessToken(), form);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(saved.status()).isEqualTo(201);
        assertThat(realm.admin().mustGet(realm.adminApi() + "/config").json().path("maxInactivity").asText())
                .isEqualTo("P1D");
    }

    @Test
    void theApiAndTheTabShowTheSamePolicy(KeycloakServer server) {
        TestRealm realm = TestRealm.create(server, "admin-tab-sync");
        String components = "/" + realm.name() + "/components?type=" + TAB_TYPE;

        realm.admin().mustPut(realm.adminApi() + "/config", Map.of("maxInactivity", "PT12H", "notifyNewDevice", true));
        var form = realm.admin().mustGet(components).json().get(0);
        Http.Reply invalid = realm.admin().put("/" + realm.name() + "/components/" + form.path("id").asText(),
                Map.of("id", form.path("id").asText(), "name", "session-manager", "providerId", "session-manager",
                        "providerType", TAB_TYPE, "parentId", realm.id(),
                        "config", Map.of("historyRetention", List.of("forever"))));

        assertThat(form.path("config").path("maxInactivity").get(0).asText()).isEqualTo("12");
        assertThat(form.path("config").path("maxInactivityUnit").get(0).asText()).isEqualTo("hours");
        assertThat(form.path("config").path("notifyNewDevice").get(0).asText()).isEqualTo("true");

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("History retention: enter a whole number of 0 or more");
        assertThat(realm.admin().mustGet(realm.adminApi() + "/config").json().path("historyRetention").asText())
                .isEqualTo("P30D");
    }
}
