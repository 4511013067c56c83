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
        List<Object> parameters = new ArrayList<>(List.of(realmId, userId, keycloakSessionId,
                SessionStatus.ACTIVE.name(), endedSince, EndReason.USER_REPORTED.name()));
        // A device the user reported ("This wasn't me") is never known, not even by the intruder's
        // other sessions from it: each of their next sign-ins mails again.
        String sameDevice = "(exists(select 1 from SM_SESSION where REALM_ID = ? and USER_ID = ? and KC_SESSION_ID <> ?"
                + " and (STATUS = ? or ENDED_AT >= ?) and (END_REASON is null or END_REASON <> ?)"
                + fromDevice(device, parameters) + ")";
        parameters.addAll(List.of(realmId, userId, EndReason.USER_REPORTED.name(), endedSince));
        sameDevice += " and not exists(select 1 from SM_SESSION where REALM_ID = ? and USER_ID = ?"
                + " and END_REASON = ? and ENDED_AT >= ?" + fromDevice(device, parameters) + "))";
        parameters.addAll(List.of(realmId, userId, keycloakSessionId));
        return new NewDeviceQuery(sameDevice,
                "exists(select 1 from SM_SESSION where REALM_ID = ? and USER_ID = ? and KC_SESSION_ID <> ?)",
                List.copyOf(parameters));
    }

    /** The conditions on a row's browser family and operating system; their parameters go to {@code parameters}. */
    private static String fromDevice(DeviceInfo device, List<Object> parameters) {
        StringBuilder conditions = new StringBuilder();
        String family = device.browserFamily();
        if (family == null) {
            conditions.append(" and BROWSER is null");
        } else {
            conditions.append(" and (BROWSER = ? or BROWSER like ? escape '!')");
            parameters.addAll(List.of(family, LIKE_SPECIAL.matcher(family).replaceAll("!$0") + "/%"));
        }
        if (device.os() == null) {
            conditions.append(" and OS is null");
        } else {
            conditions.append(" and OS = ?");
            parameters.add(device.os());
        }
        return conditions.toString();
    }
}
