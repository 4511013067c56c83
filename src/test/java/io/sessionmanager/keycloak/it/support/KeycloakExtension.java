package io.sessionmanager.keycloak.it.support;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gives test classes the one Keycloak server of this test run. It lives in the root context's
 * store, so it boots on first use and is closed when the whole run ends, failed or not. A test
 * that fails prints the warnings and errors the server logged while it ran, and on MariaDB InnoDB's
 * lock report: CI keeps the test run's output, not the server's log or the database's state.
 */
public final class KeycloakExtension implements ParameterResolver, BeforeEachCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);
    private static final String LOG_OFFSET = "log offset";
    private static final int MAX_LINES_SHOWN = 300;

    /**
     * The shared server's build-time options: a server of its own started with the same ones starts
     * from the shared server's build instead of building again.
     */
    public static final List<String> BUILD_OPTIONS = List.of("--metrics-enabled=true", "--features=declarative-ui");

    /**
     * Activity is written once a second rather than once a minute, so tests can observe it; the
     * scheduled cleanup stays out of the way of tests that count what a cleanup did (its own test
     * runs a server of its own); events are logged; metrics are on; the admin console shows
     * extension tabs (declarative-ui).
     */
    private static final List<String> OPTIONS = Stream.concat(Stream.of(
                    "--spi-events-listener--session-manager--activity-interval=1",
                    "--spi-session-manager--default--cleanup-initial-delay=PT24H",
                    "--log-level=INFO,org.keycloak.events:DEBUG"), BUILD_OPTIONS.stream()).toList();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KeycloakServer.class, k -> KeycloakServer.start("it-server", OPTIONS),
                        KeycloakServer.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        KeycloakServer server = runningServer(context);
        if (server != null) {
            context.getStore(NAMESPACE).put(LOG_OFFSET, server.logLength());
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        KeycloakServer server = runningServer(context);
        Long offset = context.getStore(NAMESPACE).get(LOG_OFFSET, Long.class);
        if (server == null || offset == null) {
            return;
        }
        try {
            List<String> lines = troubles(server.logSince(offset));
            System.err.printf("Server log while %s ran, warnings and errors (%d lines):%n", context.getDisplayName(),
                    lines.size());
            lines.stream().limit(MAX_LINES_SHOWN).forEach(System.err::println);
        } catch (UncheckedIOException e) {
            System.err.println("Could not read the server log: " + e.getCause());
        }
        String locks = server.database().lockReport();
        if (!locks.isEmpty()) {
            System.err.println("The database's locks after " + context.getDisplayName() + ":\n" + locks);
        }
    }

    private static KeycloakServer runningServer(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).get(KeycloakServer.class, KeycloakServer.class);
    }

    /** WARN and ERROR lines, each with the stack trace lines below it. */
    static List<String> troubles(String log) {
        List<String> shown = new ArrayList<>();
        boolean inTrouble = false;
        for (String line : log.split("\\R")) {
            boolean entry = line.matches("^\\d{4}-\\d{2}-\\d{2} .*");
            if (entry) {
                inTrouble = line.contains(" WARN ") || line.contains(" ERROR ");
            }
            if (inTrouble) {
                shown.add(line);
            }
        }
        return shown;
    }
}
