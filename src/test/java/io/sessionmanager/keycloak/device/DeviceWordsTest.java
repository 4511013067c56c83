package io.sessionmanager.keycloak.device;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceWordsTest {

    @Test
    void theGermanMessagesNameADeviceInGerman() throws IOException {
        DeviceWords german = DeviceWords.from(Locale.GERMAN, messages("de"));

        assertThat(new DeviceInfo("Chrome/139.0.7258", "Linux", null, "Other", false).summary(german))
                .isEqualTo("Chrome 139 unter Linux");
        assertThat(new DeviceInfo("Other/Unknown", "Mac OS X", "14", "Mac", false).summary(german))
                .isEqualTo("Unbekannter Browser unter Mac OS X 14");
        assertThat(DeviceInfo.UNKNOWN.summary(german)).isEqualTo("Unbekanntes Gerät");
    }

    @Test
    void theEnglishMessagesSayWhatTheBuiltInWordsSay() throws IOException {
        DeviceWords english = DeviceWords.from(Locale.ENGLISH, messages("en"));

        for (DeviceInfo device : new DeviceInfo[] {new DeviceInfo("Chrome/139.0", "Linux", null, "Other", false),
                new DeviceInfo("Other/Unknown", "Mac OS X", "14", "Mac", false), DeviceInfo.UNKNOWN}) {
            assertThat(device.summary(english)).isEqualTo(device.summary(DeviceWords.ENGLISH));
        }
    }

    @Test
    void aRewordingThatIsNoValidPatternStaysEnglishRatherThanFailingTheList() {
        Properties broken = new Properties();
        broken.setProperty("sessionManagerBrowserOnOs", "{0 unter {1}");

        assertThat(new DeviceInfo("Firefox/121.0", "Linux", null, "Other", false)
                .summary(DeviceWords.from(Locale.GERMAN, broken))).isEqualTo("Firefox 121 on Linux");
    }

    @Test
    void aMessageMissingFromATranslationFallsBackToEnglish() {
        DeviceWords none = DeviceWords.from(Locale.FRENCH, new Properties());

        assertThat(new DeviceInfo("Firefox/121.0", "Linux", null, "Other", false).summary(none))
                .isEqualTo("Firefox 121 on Linux");
    }

    private static Properties messages(String language) throws IOException {
        Properties messages = new Properties();
        try (var in = DeviceWordsTest.class.getResourceAsStream("/theme-resources/messages/messages_" + language
                + ".properties")) {
            messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return messages;
    }
}
