package io.sessionmanager.keycloak.device;

import org.keycloak.representations.account.DeviceRepresentation;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The device fields of a session as Keycloak's {@code DeviceRepresentationProvider} parsed them
 * from the user agent, kept as Keycloak reports them ("Other" and "Unknown" included).
 */
public record DeviceInfo(String browser, String os, String osVersion, String device, boolean mobile) {

    public static final DeviceInfo UNKNOWN = new DeviceInfo(null, null, null, null, false);

    /** Column length of each device field. */
    public static final int FIELD_LENGTH = 64;

    /**
     * Browser and operating system families the parser recognises by name. Some of its rules take
     * a product name from the user agent as it stands ("... Spider/1.0"), so a family outside these
     * is words an intruder chose, not a browser's name.
     */
    private static final Set<String> BROWSERS = Set.of("Chrome", "Chrome Mobile", "Chrome Mobile iOS",
            "Chrome Mobile WebView", "Chromium", "Firefox", "Firefox Mobile", "Firefox iOS", "Safari",
            "Mobile Safari", "Edge", "Edge Mobile", "Opera", "Opera Mobile",
            "Opera Mini", "Samsung Internet", "UC Browser", "Yandex Browser", "Vivaldi", "Brave", "IE",
            "IE Mobile", "Android", "Silk", "DuckDuckGo Mobile", "Whale", "MiuiBrowser", "HeadlessChrome");
    private static final Set<String> OPERATING_SYSTEMS = Set.of("Windows", "Mac OS X", "macOS", "iOS", "iPadOS",
            "Android", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "ChromeOS", "FreeBSD",
            "Windows Phone", "HarmonyOS", "KaiOS", "Tizen");
    private static final Pattern VERSION = Pattern.compile("[0-9][0-9.]{0,15}");
    /** How much of an unrecognised device's text {@link #shownSummary(DeviceWords)} quotes. */
    private static final int QUOTED_LENGTH = 40;

    public static DeviceInfo from(DeviceRepresentation rep) {
        if (rep == null) {
            return UNKNOWN;
        }
        return new DeviceInfo(truncate(rep.getBrowser()), truncate(rep.getOs()), truncate(rep.getOsVersion()),
                truncate(rep.getDevice()), rep.isMobile());
    }

    /** A one-line description in English, such as "Chrome 120 on Windows 10". */
    public String summary() {
        return summary(DeviceWords.ENGLISH);
    }

    /** A one-line description in the words' language, such as "Chrome 120 unter Windows 10". */
    public String summary(DeviceWords words) {
        String browserName = browserName();
        String osName = known(os) == null ? null : (known(osVersion) == null ? os : os + " " + osVersion);
        if (browserName == null && osName == null) {
            return words.unknownDevice();
        }
        if (osName == null) {
            return browserName;
        }
        return words.browserOnOs(browserName == null ? words.unknownBrowser() : browserName, osName);
    }

    /**
     * {@link #summary()} when the parser recognised both families by name and the versions are
     * numbers: what a mail may print as the device's name. Empty for anything else.
     */
    public Optional<String> recognisedSummary(DeviceWords words) {
        boolean recognised = browser != null && os != null
                && BROWSERS.contains(browserFamily()) && OPERATING_SYSTEMS.contains(os)
                && isNumberOrUnknown(osVersion)
                && (browser.indexOf('/') < 0 || isNumberOrUnknown(browser.substring(browser.indexOf('/') + 1)));
        return recognised ? Optional.of(summary(words)) : Optional.empty();
    }

    /**
     * What a mail or a page shows: the recognised summary, or the parsed text quoted and cut, so
     * that words from a user agent read as a quote rather than as the server's own.
     */
    public String shownSummary(DeviceWords words) {
        return recognisedSummary(words).orElseGet(() -> {
            String text = summary(words);
            return "\"" + (text.length() <= QUOTED_LENGTH ? text : text.substring(0, QUOTED_LENGTH) + "…") + "\"";
        });
    }

    private static boolean isNumberOrUnknown(String version) {
        return known(version) == null || VERSION.matcher(version).matches();
    }

    /**
     * The browser without its version ("Chrome/120.0.6099" is "Chrome"): with the operating system,
     * what tells one of a user's devices from another.
     */
    public String browserFamily() {
        if (browser == null) {
            return null;
        }
        int slash = browser.indexOf('/');
        return slash < 0 ? browser : browser.substring(0, slash);
    }

    /** "Chrome/120.0.6099" becomes "Chrome 120"; "Other/Unknown" becomes null. */
    private String browserName() {
        if (browser == null) {
            return null;
        }
        int slash = browser.indexOf('/');
        String family = known(browserFamily());
        if (family == null || slash < 0) {
            return family;
        }
        String version = browser.substring(slash + 1);
        int dot = version.indexOf('.');
        String major = known(dot < 0 ? version : version.substring(0, dot));
        return major == null ? family : family + " " + major;
    }

    /** Keycloak and its parser say "Unknown" or "Other" for what they could not tell. */
    private static String known(String value) {
        if (value == null || value.isBlank() || value.equals(DeviceRepresentation.UNKNOWN) || value.equals("Other")) {
            return null;
        }
        return value;
    }

    private static String truncate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.length() <= FIELD_LENGTH ? value : value.substring(0, FIELD_LENGTH);
    }
}
