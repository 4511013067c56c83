package io.sessionmanager.keycloak.alert;

import io.sessionmanager.keycloak.config.SessionManagerConfig;
import io.sessionmanager.keycloak.device.DeviceInfo;
import io.sessionmanager.keycloak.device.DeviceWords;
import io.sessionmanager.keycloak.metrics.RealmCounter;
import io.sessionmanager.keycloak.model.SessionRecord;
import io.sessionmanager.keycloak.tx.AfterCommit;
import io.sessionmanager.keycloak.tx.RealmTransaction;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emails a user about a sign-in from a new device, with a link to their sessions and a "This
 * wasn't me" link ({@link NotMeToken}). Sent from a worker thread once the sign-in's record has
 * committed, so that a slow or absent mail server never delays or fails a sign-in.
 */
public final class NewDeviceAlert {

    static final String TEMPLATE = "session-manager-new-device.ftl";
    static final String SUBJECT = "sessionManagerNewDeviceSubject";
    /** The subject when the parser did not recognise the device: the user agent's words stay out of it. */
    static final String SUBJECT_UNRECOGNISED = "sessionManagerNewDeviceSubjectUnrecognised";
    private static final String EXECUTOR = "session-manager-mail";
    /** At most one mail per user and device in this many seconds, however often they sign in. */
    private static final int MAIL_INTERVAL_SECONDS = 3600;
    private static final String ACCOUNT_SESSIONS_PATH = "account-security/sessions";
    private static final Logger LOG = Logger.getLogger(NewDeviceAlert.class);
    private static final RealmCounter FAILED = RealmCounter.create();
    private static final Set<String> WITHOUT_LINKS = ConcurrentHashMap.newKeySet();

    /** What the mail says, copied out of the sign-in's transaction. */
    private record NewSignIn(String realmId, String userId, String sessionId, String onePerInterval,
                             DeviceInfo device, String ipAddress, String clientId, long at, URI serverUri) {
    }

    private NewDeviceAlert() {
    }

    /**
     * Sends the mail after {@code s}'s transaction, which records a sign-in from a new device,
     * commits; nothing when the realm does not want it or has no mail server.
     */
    public static void afterCommit(KeycloakSession s, RealmModel realm, SessionRecord record, String clientId,
                                   URI serverUri) {
        SessionManagerConfig config = s.getProvider(SessionManagerConfig.class);
        if (!hasMailServer(realm) || !config.policy(realm).notifyNewDevice()) {
            return;
        }
        NewSignIn signIn = new NewSignIn(realm.getId(), record.getUserId(), record.getId(),
                onePerInterval(realm.getId(), record), record.getDeviceInfo(), record.getIpAddress(), clientId,
                record.getCreatedAt(), serverUri);
        Duration linkLifespan = config.settings().notMeLinkLifespan();
        KeycloakSessionFactory factory = s.getKeycloakSessionFactory();
        AfterCommit.onCommit(s, () -> s.getProvider(ExecutorsProvider.class).getExecutor(EXECUTOR)
                .execute(() -> send(factory, signIn, linkLifespan)));
    }

    /**
     * The user reported the session as not theirs: its device's next sign-in mails again, even
     * within the hour that allows one mail per device.
     */
    public static void reported(KeycloakSession s, RealmModel realm, SessionRecord record) {
        s.singleUseObjects().remove(onePerInterval(realm.getId(), record));
    }

    /** The key that allows one mail per user and device (browser family and OS) per interval. */
    private static String onePerInterval(String realmId, SessionRecord record) {
        return "session-manager-new-device:" + realmId + ":" + record.getUserId() + ":"
                + record.getDeviceInfo().browserFamily() + "|" + record.getDeviceInfo().os();
    }

    /** New-device mails of the realm that could not be sent, on this node since it started. */
    public static long failures(String realmId) {
        return FAILED.of(realmId);
    }

    private static boolean hasMailServer(RealmModel realm) {
        String host = realm.getSmtpConfig() == null ? null : realm.getSmtpConfig().get("host");
        return host != null && !host.isBlank();
    }

    private static void send(KeycloakSessionFactory factory, NewSignIn signIn, Duration linkLifespan) {
        try {
            RealmTransaction.on(factory, signIn.realmId()).run((s, realm) -> send(s, realm, signIn, linkLifespan));
        } catch (RuntimeException e) {
            failed(signIn, e);
        }
    }

    private static void send(KeycloakSession s, RealmModel realm, NewSignIn signIn, Duration linkLifespan) {
        UserModel user = s.users().getUserById(realm, signIn.userId());
        if (user == null || user.getEmail() == null || !user.isEmailVerified()) {
            return;
        }
        if (!s.singleUseObjects().putIfAbsent(signIn.onePerInterval(), MAIL_INTERVAL_SECONDS)) {
            return;
        }
        Locale locale = s.getContext().resolveLocale(user);
        DeviceWords words = DeviceWords.in(s, realm, locale);
        // A device the parser did not recognise is not named in the subject: its words are the user agent's.
        Optional<String> recognised = signIn.device().recognisedSummary(words);
        List<Object> subjectAttributes = recognised.isPresent() ? List.of(recognised.get()) : List.of();
        try {
            s.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(recognised.isPresent() ? SUBJECT : SUBJECT_UNRECOGNISED, subjectAttributes, TEMPLATE,
                            attributes(s, realm, user, signIn, linkLifespan, locale, words));
        } catch (EmailException e) {
            failed(signIn, e);
        }
    }

    private static Map<String, Object> attributes(KeycloakSession s, RealmModel realm, UserModel user,
                                                  NewSignIn signIn, Duration linkLifespan, Locale locale,
                                                  DeviceWords words) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("firstName", user.getFirstName() == null ? "" : user.getFirstName());
        attributes.put("device", signIn.device().shownSummary(words));
        attributes.put("ipAddress", signIn.ipAddress() == null ? "-" : signIn.ipAddress());
        attributes.put("signedInAt", signedInAt(signIn.at(), locale));
        attributes.put("application", application(realm, signIn.clientId()));
        if (signIn.serverUri() == null) {
            noLinks(realm);
            return attributes;
        }
        int expiresAt = (int) (Instant.now().plus(linkLifespan).getEpochSecond());
        NotMeToken token = new NotMeToken(user.getId(), user.getEmail(), signIn.sessionId(), expiresAt);
        attributes.put("sessionsLink", sessionsPage(signIn.serverUri(), realm).toString());
        attributes.put("notMeLink", token.link(s, realm, signIn.serverUri()).toString());
        boolean hours = linkLifespan.toHours() >= 2;
        attributes.put("linkExpiration", hours ? linkLifespan.toHours() : Math.max(1, linkLifespan.toMinutes()));
        attributes.put("linkExpirationUnit", hours ? "Hours" : "Minutes");
        return attributes;
    }

    /** The account console's Signed-in sessions page of the realm, at {@code serverUri}. */
    static URI sessionsPage(URI serverUri, RealmModel realm) {
        return Urls.accountBase(serverUri).path(ACCOUNT_SESSIONS_PATH).build(realm.getName());
    }

    /**
     * "Dec 8, 2026, 9:41:07 AM UTC" in the user's language. Java puts a narrow no-break space before
     * AM/PM (Unicode's CLDR), which some mail clients show as a box or as "â€¯": a plain space is read
     * the same everywhere.
     */
    static String signedInAt(long at, Locale locale) {
        return plainSpaces(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale)
                .withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(at))) + " UTC";
    }

    static String plainSpaces(String text) {
        return text.replace('\u202F', ' ').replace('\u00A0', ' ');
    }

    /** Says once per realm and node why its mails carry no links. */
    private static void noLinks(RealmModel realm) {
        if (WITHOUT_LINKS.add(realm.getId())) {
            LOG.warnf("New-device mails of realm %s carry no links: neither the realm's Frontend URL nor the"
                    + " server's hostname is configured, and a link built from a sign-in's request would point"
                    + " wherever its Host header says", realm.getName());
        }
    }

    /** The client's display name where it has a plain one, else its client id. */
    private static String application(RealmModel realm, String clientId) {
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        if (client == null) {
            return clientId == null ? "-" : clientId;
        }
        String name = client.getName();
        return name == null || name.isBlank() || name.startsWith("${") ? clientId : name;
    }

    /** Logged by kind, never with the address, which the mail server's messages may contain. */
    private static void failed(NewSignIn signIn, Exception e) {
        FAILED.increment(signIn.realmId());
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        LOG.warnf("New-device email not sent (realm %s): %s", signIn.realmId(), cause.getClass().getName());
    }
}
