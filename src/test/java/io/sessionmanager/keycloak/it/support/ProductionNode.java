package io.sessionmanager.keycloak.it.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.time.Duration;
import java.util.List;

/**
 * One production-shaped node on PostgreSQL, shared by the tests that need such a server but not one
 * of their own (a proxy's addresses, a link's expiry, a restart), started once per run and stopped
 * at its end. Each option serves one of them and changes nothing the others check: behind a proxy
 * ({@code X-Forwarded-*} trusted; requests without them keep their own address), activity written
 * each second, "This wasn't me" links living {@link #NOT_ME_LINK_LIFESPAN}, the admin console's tab
 * (its form is written again at a restart).
 */
public final class ProductionNode implements ParameterResolver {

    /** The server option's least. */
    public static final Duration NOT_ME_LINK_LIFESPAN = Duration.ofSeconds(10);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ProductionNode.class);
    private static final List<String> OPTIONS = List.of("--proxy-headers=xforwarded",
            "--spi-events-listener--session-manager--activity-interval=1",
            "--spi-session-manager--default--not-me-link-lifespan=" + NOT_ME_LINK_LIFESPAN,
            "--features=declarative-ui");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DistributionServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(DistributionServer.class,
                k -> DistributionServer.start("production-node", "postgres", OPTIONS), DistributionServer.class);
    }
}
