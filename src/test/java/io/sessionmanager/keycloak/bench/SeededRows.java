package io.sessionmanager.keycloak.bench;

import io.sessionmanager.keycloak.it.support.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rows of other users' ended sessions, written straight into the extension's table in
 * server-side batches of 100,000 (one INSERT ... SELECT over a number series each), so that a
 * benchmark can measure at millions of rows without signing millions in.
 */
final class SeededRows {

    private static final int BATCH = 100_000;

    private SeededRows() {
    }

    /** Rows numbered {@code from} to {@code to} (ids stay unique across calls), ended at {@code endedAt}. */
    static void seed(Database db, String realmId, long from, long to, long endedAt) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (long first = from; first <= to; first += BATCH) {
                long last = Math.min(to, first + BATCH - 1);
                statement.executeUpdate("insert into SM_SESSION (ID, REALM_ID, USER_ID, KC_SESSION_ID, TYPE, STATUS,"
                        + " MOBILE, REMEMBER_ME, CREATED_AT, LAST_ACTIVE, ENDED_AT, END_REASON, IP_ADDRESS, USER_AGENT)"
                        + " select concat('seed-', x), '" + realmId + "', concat('other-', mod(x, 50000)),"
                        + " concat('seedkc-', x), 'ONLINE', 'REVOKED', false, false, " + (endedAt - 3_600_000) + ", "
                        + endedAt + ", " + endedAt + ", 'USER_REVOKED', '203.0.113.7', 'Mozilla/5.0 seeded'"
                        + " from " + series(db, first, last));
            }
        }
    }

    /**
     * PostgreSQL's planner statistics, as a production database has them: this machine's
     * PostgreSQL runs without autovacuum, so nothing else would gather them, and without them the
     * planner scans whole tables for Keycloak's session queries (both lists then measure that).
     */
    static void gatherStatistics(Database db) {
        if (db.kind().equals("postgres")) {
            db.update("analyze");
        }
    }

    private static String series(Database db, long from, long to) {
        return switch (db.kind()) {
            case "postgres" -> "generate_series(" + from + ", " + to + ") as s(x)";
            case "mariadb" -> "(select seq as x from seq_" + from + "_to_" + to + ") s";
            default -> "(select x from system_range(" + from + ", " + to + ")) s";
        };
    }
}
