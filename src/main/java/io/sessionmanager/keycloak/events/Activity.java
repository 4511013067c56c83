package io.sessionmanager.keycloak.events;

/** A session was used: a token refresh, a code exchange, userinfo or introspection. */
record Activity(String realmId, String userId, String keycloakSessionId, String clientId, String ipAddress, long at) {
}
