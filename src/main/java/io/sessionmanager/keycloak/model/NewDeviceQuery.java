package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two questions that tell a new device, as SQL conditions: {@code sameDevice}, whether another
 * session of the user, active or ended at or after {@code endedSince} and not reported, came from the same browser
 * family on the same operating system; {@code anyOther}, whether the user has any other record.
 * Their parameters follow in that order.
 */
record NewDeviceQuery(String sameDevice, String anyOther, List<Object> parameters) {

    /** What {@code like} would read as a wildcard or as its escape character. */
    private static final Pattern LIKE_SPECIAL = Pattern.compile("[!%_]");

    static NewDeviceQuery of(String realmId, String userId, String keycloakSessionId, DeviceInfo device,
                             long endedSince) {
        String family = device.browserFamily();
        List<Object> parameters = new ArrayList<>(List.of(realmId, userId, keycloakSessionId,
                SessionStatus.ACTIVE.name(), endedSince, EndReason.USER_REPORTED.name()));
        // A device the user reported ("This wasn't me") is never known: the intruder's next sign-in mails again.
        StringBuilder sameDevice = new StringBuilder("exists(select 1 from SM_SESSION where REALM_ID = ?"
                + " and USER_ID = ? and KC_SESSION_ID <> ? and (STATUS = ? or ENDED_AT >= ?)"
                + " and (END_REASON is null or END_REASON <> ?)");
        if (family == null) {
            sameDevice.append(" and BROWSER is null");
        } else {
            sameDevice.append(" and (BROWSER = ? or BROWSER like ? escape '!')");
            parameters.addAll(List.of(family, LIKE_SPECIAL.matcher(family).replaceAll("!$0") + "/%"));
        }
        if (device.os() == null) {
            sameDevice.append(" and OS is null");
        } else {
            sameDevice.append(" and OS = ?");
            parameters.add(device.os());
        }
        sameDevice.append(')');
        parameters.addAll(List.of(realmId, userId, keycloakSessionId));
        return new NewDeviceQuery(sameDevice.toString(),
                "exists(select 1 from SM_SESSION where REALM_ID = ? and USER_ID = ? and KC_SESSION_ID <> ?)",
                List.copyOf(parameters));
    }
}
