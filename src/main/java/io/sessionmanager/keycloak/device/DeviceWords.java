package io.sessionmanager.keycloak.device;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * The words around a device's name in one language: "Chrome 139 on Linux" in English is
 * "Chrome 139 unter Linux" in German. They come from the extension's messages (theme-resources),
 * so a realm's theme can reword them like any other message.
 */
public record DeviceWords(Locale locale, String browserOnOs, String unknownBrowser, String unknownDevice) {

    public static final DeviceWords ENGLISH =
            new DeviceWords(Locale.ENGLISH, "{0} on {1}", "Unknown browser", "Unknown device");
    static final String BROWSER_ON_OS = "sessionManagerBrowserOnOs";
    static final String UNKNOWN_BROWSER = "sessionManagerUnknownBrowser";
    static final String UNKNOWN_DEVICE = "sessionManagerUnknownDevice";
    private static final Logger LOG = Logger.getLogger(DeviceWords.class);

    /** The words in {@code locale}, from the realm's login theme and the extension's messages. */
    public static DeviceWords in(KeycloakSession session, RealmModel realm, Locale locale) {
        try {
            return from(locale, session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale));
        } catch (IOException | RuntimeException e) {
            // A name in English is better than no list: the words are cosmetic, the sessions are not.
            LOG.debugf(e, "Device words for %s not loaded", locale);
            return ENGLISH;
        }
    }

    static DeviceWords from(Locale locale, Properties messages) {
        return new DeviceWords(locale, messages.getProperty(BROWSER_ON_OS, ENGLISH.browserOnOs),
                messages.getProperty(UNKNOWN_BROWSER, ENGLISH.unknownBrowser),
                messages.getProperty(UNKNOWN_DEVICE, ENGLISH.unknownDevice));
    }

    String browserOnOs(String browser, String os) {
        return new MessageFormat(browserOnOs, locale).format(new Object[] {browser, os});
    }
}
