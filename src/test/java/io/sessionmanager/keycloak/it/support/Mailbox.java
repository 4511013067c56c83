package io.sessionmanager.keycloak.it.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server in the test JVM (GreenMail), whose mails the browser tests read as JSON
 * over HTTP ({@code GET <httpUrl>?to=<address>}: subject, text and HTML of each).
 */
public final class Mailbox implements AutoCloseable {

    private final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    private final HttpServer http;

    private Mailbox() throws IOException {
        smtp.start();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/mail", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String to = query == null ? "" : URLDecoder.decode(query.replaceFirst("^to=", ""), StandardCharsets.UTF_8);
            byte[] body = Http.JSON.writeValueAsBytes(views(to));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
    }

    public static Mailbox start() {
        try {
            return new Mailbox();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The realm's {@code smtpServer} settings for this mailbox. */
    public Map<String, String> smtpServer() {
        return Map.of("host", "127.0.0.1", "port", String.valueOf(smtp.getSmtp().getPort()), "from", "keycloak@example.org");
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/mail";
    }

    public List<MimeMessage> to(String address) {
        return List.of(smtp.getReceivedMessagesForDomain(address));
    }

    /** The mails {@code address} received, waiting up to {@code atMost} for the first. */
    public List<MimeMessage> await(String address, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && to(address).isEmpty()) {
            Thread.sleep(50);
        }
        return to(address);
    }

    /** A local port nothing listens on: a mail server that is down. */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of one MIME type ({@code text/plain}, {@code text/html}) of a mail. */
    public static String part(MimeMessage mail, String type) {
        try {
            Map<String, String> parts = new HashMap<>();
            collect(mail.getContent(), mail.getContentType(), parts);
            if (!parts.containsKey(type)) {
                throw new AssertionError("No " + type + " part, only " + parts.keySet());
            }
            return parts.get(type);
        } catch (IOException | jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(Object content, String contentType, Map<String, String> parts)
            throws IOException, jakarta.mail.MessagingException {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                collect(part.getContent(), part.getContentType(), parts);
            }
        } else {
            parts.put(contentType.split(";")[0].trim().toLowerCase(), String.valueOf(content));
        }
    }

    private List<Map<String, String>> views(String address) {
        List<Map<String, String>> views = new ArrayList<>();
        for (MimeMessage mail : to(address)) {
            try {
                views.add(Map.of("subject", mail.getSubject(), "text", part(mail, "text/plain"),
                        "html", part(mail, "text/html")));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return views;
    }

    @Override
    public void close() {
        http.stop(0);
        smtp.stop();
    }
}
