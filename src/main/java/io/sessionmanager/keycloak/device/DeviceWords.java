package io.sessionmanager.keycloak.device;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The words around a device's name in one language: "Chrome 139 on Linux" in English is
 * "Chrome 139 unter Linux" in German. They come from the extension's messages (theme-resources),
 * so a realm's theme or its localization overrides can reword them like any other message.
 */
public final class DeviceWords {

    public static final DeviceWords ENGLISH =
            new DeviceWords(new MessageFormat("{0} on {1}", Locale.ENGLISH), "Unknown browser", "Unknown device");
    static final String BROWSER_ON_OS = "sessionManagerBrowserOnOs";
    static final String UNKNOWN_BROWSER = "sessionManagerUnknownBrowser";
    static final String UNKNOWN_DEVICE = "sessionManagerUnknownDevice";
    /**
     * How long a realm's words in one language are kept: reading them merges the theme's whole
     * message bundle with the realm's overrides, too much for every list of sessions. A reworded
     * override shows within this time.
     */
    private static final long KEPT_MILLIS = 60_000;
    private static final Map<String, Kept> KEPT = new ConcurrentHashMap<>();
    private static final Logger LOG = Logger.getLogger(DeviceWords.class);

    private final MessageFormat browserOnOs;
    private final String unknownBrowser;
    private final String unknownDevice;

    private DeviceWords(MessageFormat browserOnOs, String unknownBrowser, String unknownDevice) {
        this.browserOnOs = browserOnOs;
        this.unknownBrowser = unknownBrowser;
        this.unknownDevice = unknownDevice;
    }

    /** The words in {@code user}'s language, as Keycloak resolves it (their own, the request's, the realm's). */
    public static DeviceWords forUser(KeycloakSession session, RealmModel realm, UserModel user) {
        return in(session, realm, session.getContext().resolveLocale(user));
    }

    /** The words in {@code locale}, from the realm's login theme and the extension's messages. */
    public static DeviceWords in(KeycloakSession session, RealmModel realm, Locale locale) {
        String key = realm.getId() + "/" + locale.toLanguageTag();
        long now = System.currentTimeMillis();
        Kept kept = KEPT.get(key);
        if (kept == null || kept.until() < now) {
            kept = new Kept(load(session, realm, locale), now + KEPT_MILLIS);
            KEPT.put(key, kept);
        }
        return kept.words();
    }

    private static DeviceWords load(KeycloakSession session, RealmModel realm, Locale locale) {
        try {
            return from(locale, session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale));
        } catch (IOException | RuntimeException e) {
            // A name in English is better than no list: the words are cosmetic, the sessions are not.
            LOG.debugf(e, "Device words for %s not loaded", locale);
            return ENGLISH;
        }
    }

    /** The words of a message bundle; a message missing, or one that is no valid pattern, is English. */
    static DeviceWords from(Locale locale, Properties messages) {
        MessageFormat browserOnOs;
        try {
            browserOnOs = new MessageFormat(messages.getProperty(BROWSER_ON_OS, ENGLISH.browserOnOs.toPattern()), locale);
        } catch (IllegalArgumentException e) {
            browserOnOs = ENGLISH.browserOnOs;
        }
        return new DeviceWords(browserOnOs, messages.getProperty(UNKNOWN_BROWSER, ENGLISH.unknownBrowser),
                messages.getProperty(UNKNOWN_DEVICE, ENGLISH.unknownDevice));
    }

    String browserOnOs(String browser, String os) {
        // MessageFormat is not thread-safe; the words are shared between requests.
        synchronized (browserOnOs) {
            return browserOnOs.format(new Object[] {browser, os});
        }
    }

    String unknownBrowser() {
        return unknownBrowser;
    }

    String unknownDevice() {
        return unknownDevice;
    }

    private record Kept(DeviceWords words, long until) {
    }
}
