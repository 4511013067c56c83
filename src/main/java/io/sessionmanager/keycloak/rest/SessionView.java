package io.sessionmanager.keycloak.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The session JSON of the API; field names are the contract. Times are ISO-8601 UTC strings. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SessionView(
        String id,
        boolean current,
        String type,
        String status,
        String deviceInfo,
        DeviceView device,
        String userAgent,
        String ipAddress,
        String lastIpAddress,
        List<String> clients,
        String createdAt,
        String lastActive,
        String idleExpiresAt,
        String expiresAt,
        String endedAt,
        String endReason,
        boolean newDevice) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DeviceView(String browser, String os, String osVersion, String device, boolean mobile) {
    }
}
