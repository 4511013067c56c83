package io.sessionmanager.keycloak.device;

import org.keycloak.representations.account.DeviceRepresentation;

/**
 * The device fields of a session as Keycloak's {@code DeviceRepresentationProvider} parsed them
 * from the user agent, kept as Keycloak reports them ("Other" and "Unknown" included).
 */
public record DeviceInfo(String browser, String os, String osVersion, String device, boolean mobile) {

    public static final DeviceInfo UNKNOWN = new DeviceInfo(null, null, null, null, false);

    /** Column length of each device field. */
    public static final int FIELD_LENGTH = 64;

    public static DeviceInfo from(DeviceRepresentation rep) {
        if (rep == null) {
            return UNKNOWN;
        }
        return new DeviceInfo(truncate(rep.getBrowser()), truncate(rep.getOs()), truncate(rep.getOsVersion()),
                truncate(rep.getDevice()), rep.isMobile());
    }

    /** A one-line description such as "Chrome 120 on Windows 10". */
    public String summary() {
        String browserName = browserName();
        String osName = known(os) == null ? null : (known(osVersion) == null ? os : os + " " + osVersion);
        if (browserName == null && osName == null) {
            return "Unknown device";
        }
        if (osName == null) {
            return browserName;
        }
        return (browserName == null ? "Unknown browser" : browserName) + " on " + osName;
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
