package io.sessionmanager.keycloak.it;

import io.sessionmanager.keycloak.it.support.DistributionServer;
import io.sessionmanager.keycloak.it.support.Http;
import io.sessionmanager.keycloak.it.support.Mailbox;
import io.sessionmanager.keycloak.it.support.ProductionNode;
import io.sessionmanager.keycloak.it.support.TestRealm;
import io.sessionmanager.keycloak.it.support.Tokens;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sessionmanager.keycloak.it.NewDeviceAlertIT.CHROME_ON_WINDOWS;
import static io.sessionmanager.keycloak.it.NewDeviceAlertIT.FIREFOX_ON_LINUX;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A "This wasn't me" link past its lifespan gets Keycloak's error page and ends nothing. On the
 * shared production node, whose links live ten seconds (the server option's least).
 */
@ExtendWith(ProductionNode.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotMeLinkExpiryIT {

    private static final long LIFESPAN_MILLIS = ProductionNode.NOT_ME_LINK_LIFESPAN.toMillis();

    private final Mailbox mailbox = Mailbox.start();
    private DistributionServer server;

    @BeforeAll
    void start(DistributionServer server) {
        this.server = server;
    }

    @AfterAll
    void stop() {
        mailbox.close();
    }

    @Test
    void anExpiredLinkIsRefusedAndEndsNothing() throws Exception {
        TestRealm realm = TestRealm.create(server, "link-expiry", Map.of("smtpServer", mailbox.smtpServer(),
                "attributes", Map.of("sessionManager.notifyNewDevice", "true", "frontendUrl", server.baseUrl())));
        realm.createUser("eve");
        realm.login("eve", "openid", Map.of("User-Agent", CHROME_ON_WINDOWS));
        Tokens intruder = realm.login("eve", "openid", Map.of("User-Agent", FIREFOX_ON_LINUX));
        long sent = System.currentTimeMillis();
        List<MimeMessage> mails = mailbox.await("eve@example.org", Duration.ofSeconds(5));
        assertThat(mails).hasSize(1);
        MimeMessage mail = mails.get(0);
        String text = Mailbox.part(mail, "text/plain");
        assertThat(text).contains("The link works once, for 1 min.");

        Thread.sleep(Math.max(0, sent + LIFESPAN_MILLIS + 1500 - System.currentTimeMillis()));
        Http.Reply expired = realm.browser(FIREFOX_ON_LINUX).open(NewDeviceAlertIT.notMeLink(text));

        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.body()).contains("kc-error-message");
        assertThat(realm.refresh(intruder.refreshToken()).status()).isEqualTo(200);
    }
}
