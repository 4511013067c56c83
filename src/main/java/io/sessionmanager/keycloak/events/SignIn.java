package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.device.DeviceInfo;

import java.net.URI;

/**
 * What a sign-in tells about its device, captured on the request thread before it commits, with the
 * configured address of the server for the links of a new-device email ({@link
 * io.sessionmanager.keycloak.alert.LinkBase}; null when none is configured).
 */
record SignIn(String realmId, String userId, String keycloakSessionId, String clientId, String ipAddress,
              String userAgent, DeviceInfo device, boolean rememberMe, long at, Long expiresAt, URI serverUri) {
}
