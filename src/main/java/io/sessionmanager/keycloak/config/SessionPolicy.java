package io.sessionmanager.keycloak.config;

import java.time.Duration;

/** A realm's session policy. */
public record SessionPolicy(Duration maxInactivity) {

    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofDays(7));
}
