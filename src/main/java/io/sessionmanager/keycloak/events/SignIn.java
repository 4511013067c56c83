package io.sessionmanager.keycloak.events;

import io.sessionmanager.keycloak.device.DeviceInfo;

/** What a sign-in tells about its device, captured on the request thread before it commits. */
record SignIn(String realmId, String userId, String keycloakSessionId, String clientId, String ipAddress,
              String userAgent, DeviceInfo device, boolean rememberMe, long at, Long expiresAt) {
}
