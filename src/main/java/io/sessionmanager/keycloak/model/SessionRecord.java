package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One row per Keycloak user session: the device it signed in from and how it ended.
 * Times are epoch milliseconds, as in Keycloak's own tables. No token or secret is kept here.
 * <p>
 * An update writes only the columns it changed, so a write of activity that read the row before a
 * revocation committed cannot put {@code ACTIVE} back; an ending is written only over an active
 * row ({@link SessionStore#end}).
 */
@Entity
@DynamicUpdate
@Table(name = "SM_SESSION")
public class SessionRecord {

    public static final int USER_AGENT_LENGTH = 255;
    public static final int IP_LENGTH = 45;
    public static final int CLIENTS_LENGTH = 1024;

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "KC_SESSION_ID", length = 64, nullable = false, unique = true)
    private String keycloakSessionId;

    @Enumerated(EnumType.STRING)
    @Column(name = "TYPE", length = 16, nullable = false)
    private SessionType type;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATUS", length = 16, nullable = false)
    private SessionStatus status;

    @Column(name = "USER_AGENT", length = USER_AGENT_LENGTH)
    private String userAgent;

    @Column(name = "BROWSER", length = DeviceInfo.FIELD_LENGTH)
    private String browser;

    @Column(name = "OS", length = DeviceInfo.FIELD_LENGTH)
    private String os;

    @Column(name = "OS_VERSION", length = DeviceInfo.FIELD_LENGTH)
    private String osVersion;

    @Column(name = "DEVICE", length = DeviceInfo.FIELD_LENGTH)
    private String device;

    @Column(name = "MOBILE", nullable = false)
    private boolean mobile;

    @Column(name = "IP_ADDRESS", length = IP_LENGTH)
    private String ipAddress;

    @Column(name = "LAST_IP_ADDRESS", length = IP_LENGTH)
    private String lastIpAddress;

    @Column(name = "CLIENTS", length = CLIENTS_LENGTH)
    private String clients;

    @Column(name = "REMEMBER_ME", nullable = false)
    private boolean rememberMe;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "LAST_ACTIVE", nullable = false)
    private long lastActive;

    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "ENDED_AT")
    private Long endedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "END_REASON", length = 32)
    private EndReason endReason;

    @Column(name = "NEW_DEVICE", nullable = false)
    private boolean newDevice;

    /** A new active record with an unguessable public id (a random UUID). */
    public static SessionRecord newActive(String realmId, String userId, String keycloakSessionId, long createdAt) {
        SessionRecord record = new SessionRecord();
        record.id = UUID.randomUUID().toString();
        record.realmId = realmId;
        record.userId = userId;
        record.keycloakSessionId = keycloakSessionId;
        record.type = SessionType.ONLINE;
        record.status = SessionStatus.ACTIVE;
        record.createdAt = createdAt;
        record.lastActive = createdAt;
        return record;
    }

    public boolean isActive() {
        return status == SessionStatus.ACTIVE;
    }

    public boolean isOwnedBy(String realmId, String userId) {
        return this.realmId.equals(realmId) && this.userId.equals(userId);
    }

    /**
     * Gives up the Keycloak session id, which Keycloak has given to another session: the record
     * keeps its history under an id of its own (its public id, which no Keycloak session has).
     */
    void releaseKeycloakSessionId() {
        keycloakSessionId = id;
    }

    /** Ends the record once, in memory; {@link SessionStore#end} writes it. */
    boolean end(EndReason reason, long now) {
        if (!isActive()) {
            return false;
        }
        status = reason.status();
        endReason = reason;
        endedAt = now;
        return true;
    }

    /**
     * Undoes an ending that Keycloak contradicts: it still holds the session, so the session is
     * live and must be listed (and can be revoked again).
     */
    public void reactivate() {
        status = SessionStatus.ACTIVE;
        endReason = null;
        endedAt = null;
    }

    /** The clients column as stored: client ids joined by commas, or null for none. */
    String clientsColumn() {
        return clients;
    }

    /** Client ids in the order they were first used. */
    public Set<String> clientIds() {
        Set<String> ids = new LinkedHashSet<>();
        if (clients != null && !clients.isEmpty()) {
            ids.addAll(Arrays.asList(clients.split(",")));
        }
        return ids;
    }

    /** Adds client ids, dropping those that no longer fit the column; returns whether anything changed. */
    public boolean addClientIds(Iterable<String> clientIds) {
        Set<String> ids = clientIds();
        StringBuilder joined = new StringBuilder(clients == null ? "" : clients);
        for (String clientId : clientIds) {
            if (clientId == null || clientId.isEmpty() || clientId.contains(",") || ids.contains(clientId)) {
                continue;
            }
            int length = joined.length() + (joined.length() == 0 ? 0 : 1) + clientId.length();
            if (length > CLIENTS_LENGTH) {
                continue;
            }
            if (joined.length() > 0) {
                joined.append(',');
            }
            joined.append(clientId);
            ids.add(clientId);
        }
        String updated = joined.length() == 0 ? null : joined.toString();
        boolean changed = updated != null && !updated.equals(clients);
        clients = updated;
        return changed;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public String getUserId() {
        return userId;
    }

    public String getKeycloakSessionId() {
        return keycloakSessionId;
    }

    public SessionType getType() {
        return type;
    }

    public void setType(SessionType type) {
        this.type = type;
    }

    public SessionStatus getStatus() {
        return status;
    }

    public String getUserAgent() {
        return userAgent;
    }

    public void setUserAgent(String userAgent) {
        this.userAgent = userAgent;
    }

    public DeviceInfo getDeviceInfo() {
        return new DeviceInfo(browser, os, osVersion, device, mobile);
    }

    public void setDeviceInfo(DeviceInfo info) {
        browser = info.browser();
        os = info.os();
        osVersion = info.osVersion();
        device = info.device();
        mobile = info.mobile();
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
        this.ipAddress = ipAddress;
    }

    public String getLastIpAddress() {
        return lastIpAddress;
    }

    public void setLastIpAddress(String lastIpAddress) {
        this.lastIpAddress = lastIpAddress;
    }

    public boolean isRememberMe() {
        return rememberMe;
    }

    public void setRememberMe(boolean rememberMe) {
        this.rememberMe = rememberMe;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public long getLastActive() {
        return lastActive;
    }

    public void setLastActive(long lastActive) {
        this.lastActive = lastActive;
    }

    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Long getEndedAt() {
        return endedAt;
    }

    public EndReason getEndReason() {
        return endReason;
    }

    /** Whether the sign-in came from a device the user had not used within retention. */
    public boolean isNewDevice() {
        return newDevice;
    }

    public void setNewDevice(boolean newDevice) {
        this.newDevice = newDevice;
    }
}
