package io.sessionmanager.keycloak.sessions;

import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.model.SessionRecord;
import org.keycloak.device.DeviceActivityManager;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * Builds a record for a Keycloak session the listener never saw (it signed in before the listener
 * was enabled, or its write was lost), from what Keycloak stored with the session itself.
 */
public final class KeycloakSessionRecords {

    private KeycloakSessionRecords() {
    }

    /** From the online session, the offline one with the same id, or both (at least one non-null). */
    public static SessionRecord from(RealmModel realm, UserSessionModel online, UserSessionModel offline) {
        UserSessionModel source = online != null ? online : offline;
        SessionRecord record = SessionRecord.newActive(realm.getId(), source.getUser().getId(), source.getId(),
                source.getStarted() * 1000L);
        LiveSession live = new LiveSession(record, online, offline);
        record.setType(live.type());
        record.setExpiresAt(live.maxLifespanDeadline(realm));
        record.setLastActive(source.getLastSessionRefresh() * 1000L);
        record.setRememberMe(source.isRememberMe());
        record.setIpAddress(source.getIpAddress());
        record.setLastIpAddress(source.getIpAddress());
        record.setDeviceInfo(DeviceInfo.from(DeviceActivityManager.getCurrentDevice(source)));
        return record;
    }
}
