package io.sessionmanager.keycloak.it.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.List;

/**
 * Gives test classes the one Keycloak server of this test run. It lives in the root context's
 * store, so it boots on first use and is closed when the whole run ends, failed or not.
 */
public final class KeycloakExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    /**
     * Activity is written once a second rather than once a minute, so tests can observe it; the
     * scheduled cleanup stays out of the way of tests that count what a cleanup did (its own test
     * runs a server of its own); events are logged.
     */
    private static final List<String> OPTIONS = List.of("--spi-events-listener--session-manager--activity-interval=1",
            "--spi-session-manager--default--cleanup-initial-delay=PT24H",
            "--log-level=INFO,org.keycloak.events:DEBUG");

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
}
