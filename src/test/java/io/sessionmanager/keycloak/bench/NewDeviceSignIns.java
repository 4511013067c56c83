package io.sessionmanager.keycloak.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Mailbox;
import io.sessionmanager.keycloak.it.support.TestRealm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sign-ins that each come from a new device, with the new-device email on (mail server up, and
 * down) and off, beside a realm without the extension. Every sign-in is followed by a sign-out, and the
 * realms keep no history, so the next sign-in of a user from any device is new again; users and
 * devices rotate so that mails go out (one per user and device an hour) through the measurement:
 * 400 users on 12 devices are 4,800 mails, more than one realm's sign-ins of a default run.
 */
final class NewDeviceSignIns {

    private static final String UP = "bench-mail-up";
    private static final String DOWN = "bench-mail-down";
    /** The extension on, the email off: what recording the pair costs, without the mail. */
    private static final String QUIET = "bench-mail-off-policy";
    private static final String OFF = "bench-mail-off";
    private static final int WORKERS = 8;
    private static final int USERS = 400;
    private static final String PASSWORD = TestRealm.PASSWORD;
    /** Twelve browser and system pairs Keycloak's parser tells apart. */
    private static final List<String> DEVICES = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.2; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36");

    private final DistributionServer server;
    private final BenchClient client;
    private final Duration round;
    private final int rounds;
    private final Map<String, AtomicInteger> signIns = new ConcurrentHashMap<>();

    NewDeviceSignIns(DistributionServer server, BenchClient client, Duration round, int rounds) {
        this.server = server;
        this.client = client;
        this.round = round;
        this.rounds = rounds;
    }

    /**
     * Per second over the realm without the extension: {@code login_new_device_ratio} (mail server
     * up), {@code login_new_device_smtp_down_ratio}, {@code login_new_device_mail_off_ratio}; and the mails.
     */
    void measure(Figures figures) throws Exception {
        try (Mailbox mailbox = Mailbox.start()) {
            realm(UP, mailbox.smtpServer(), true);
            TestRealm down = realm(DOWN, Map.of("host", "127.0.0.1", "port", String.valueOf(Mailbox.unusedPort()),
                    "from", "keycloak@example.org"), true);
            realm(QUIET, Map.of(), true);
            realm(OFF, Map.of(), false);
            Map<String, Rounds> perSecond = new LinkedHashMap<>();
            List<String> realms = List.of(UP, DOWN, QUIET, OFF);
            realms.forEach(realm -> run(realm, round));
            for (int i = 0; i < rounds; i++) {
                for (int k = 0; k < realms.size(); k++) {
                    String realm = realms.get((i + k) % realms.size());
                    perSecond.computeIfAbsent(realm, r -> new Rounds()).add(run(realm, round).perSecond());
                }
            }
            figures.put("login_new_device_per_s_off", perSecond.get(OFF));
            figures.put("login_new_device_per_s_mail_up", perSecond.get(UP));
            figures.put("login_new_device_per_s_mail_down", perSecond.get(DOWN));
            figures.put("login_new_device_per_s_mail_off", perSecond.get(QUIET));
            figures.ratio("login_new_device_mail_off_ratio", perSecond.get(QUIET), perSecond.get(OFF));
            figures.ratio("login_new_device_ratio", perSecond.get(UP), perSecond.get(OFF));
            figures.ratio("login_new_device_smtp_down_ratio", perSecond.get(DOWN), perSecond.get(OFF));
            figures.put("new_device_mails_sent", mailsSent(mailbox));
            figures.put("new_device_mails_failed", down.admin().mustGet(down.adminApi() + "/status").json()
                    .path("failedNewDeviceMails").asLong());
        }
    }

    /** One user's sign-in from the next device, then its sign-out (both counted, in every realm alike). */
    private Load.Stats run(String realm, Duration duration) {
        AtomicInteger next = signIns.computeIfAbsent(realm, r -> new AtomicInteger());
        return Load.run(WORKERS, duration, worker -> () -> {
            int n = next.getAndIncrement();
            JsonNode tokens = client.login(realm, "user" + (n % USERS), PASSWORD, DEVICES.get((n / USERS) % DEVICES.size()));
            return tokens != null && client.logout(realm, tokens.path("refresh_token").asText());
        });
    }

    /** A realm of {@link #USERS} users; with the extension's listener, keeping no history, mailing if given a server. */
    private TestRealm realm(String name, Map<String, String> smtp, boolean listener) {
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("eventsEnabled", false));
        if (listener) {
            settings.put("smtpServer", smtp);
            settings.put("attributes", Map.of("sessionManager.notifyNewDevice", String.valueOf(!smtp.isEmpty()),
                    "sessionManager.historyRetention", "P0D"));
        } else {
            settings.put("eventsListeners", List.of("jboss-logging"));
        }
        TestRealm realm = TestRealm.create(server, name, settings);
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(Map.of("username", "user" + i, "enabled", true, "email", "user" + i + "@example.org",
                    "emailVerified", true, "firstName", "User", "lastName", "Bench",
                    "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        }
        realm.admin().mustPost("/" + name + "/partialImport", Map.of("ifResourceExists", "SKIP", "users", users));
        // A first sign-in is never "new": give every user one, from a device the measurement does not use.
        AtomicInteger next = new AtomicInteger();
        Load.runWhile(WORKERS, () -> next.get() < USERS, Duration.ofMinutes(5), worker -> () -> {
            int n = next.getAndIncrement();
            return n >= USERS || client.login(name, "user" + n, PASSWORD, "curl/8.5.0") != null;
        });
        return realm;
    }

    private static int mailsSent(Mailbox mailbox) {
        int sent = 0;
        for (int i = 0; i < USERS; i++) {
            sent += mailbox.to("user" + i + "@example.org").size();
        }
        return sent;
    }
}
