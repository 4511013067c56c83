package io.sessionmanager.keycloak.compat;

import org.jboss.logging.Logger;
import org.keycloak.common.Version;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak versions this JAR supports, and whether the running server is one of them. On any
 * other version the extension must not be what stops the server from starting, so every provider
 * factory asks here first: Keycloak registers none of them ({@link OnSupportedKeycloak}) and keeps its
 * own where the extension replaces one ({@link #orderAboveKeycloak}).
 */
public final class SupportedKeycloak {

    /** The supported minors, as admins read them. */
    public static final String RANGE = "26.4 to 26.7";

    private static final int MAJOR = 26;
    private static final int OLDEST_MINOR = 4;
    private static final int NEWEST_MINOR = 7;
    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)\\.");
    private static final Logger LOG = Logger.getLogger(SupportedKeycloak.class);
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private SupportedKeycloak() {
    }

    /** Whether the running Keycloak is supported; if not, says so once in the server's log. */
    public static boolean isRunning() {
        String running = Version.VERSION;
        if (supports(running)) {
            return true;
        }
        if (TOLD.compareAndSet(false, true)) {
            LOG.warnf("Session Manager supports Keycloak %s; this is Keycloak %s, so the extension is disabled"
                    + " (no sessions API, no event listeners, no cleanup) and Keycloak runs without it.",
                    RANGE, running);
        }
        return false;
    }

    /**
     * The order of a factory that takes the place of Keycloak's own under the same id: {@code order}
     * (above Keycloak's 0) on a supported Keycloak, below it on any other, so Keycloak keeps its own.
     * Refusing such a factory ({@link OnSupportedKeycloak}) would leave the id without a provider:
     * Keycloak keeps the higher-ordered factory of an id before it asks whether it is supported.
     */
    public static int orderAboveKeycloak(int order) {
        return isRunning() ? order : -1;
    }

    /** Whether {@code version} (as Keycloak reports its own, e.g. {@code 26.4.7}) is in the range. */
    static boolean supports(String version) {
        Matcher m = version == null ? null : MAJOR_MINOR.matcher(version);
        if (m == null || !m.find()) {
            return false;
        }
        int minor = Integer.parseInt(m.group(2));
        return Integer.parseInt(m.group(1)) == MAJOR && minor >= OLDEST_MINOR && minor <= NEWEST_MINOR;
    }
}
