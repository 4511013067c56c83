package io.sessionmanager.keycloak.it.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A relying party's back-channel logout endpoint on loopback, collecting the logout tokens Keycloak sends. */
public final class BackchannelLogoutReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> logoutTokens = new CopyOnWriteArrayList<>();

    public BackchannelLogoutReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/backchannel-logout", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                if (pair.startsWith("logout_token=")) {
                    logoutTokens.add(URLDecoder.decode(pair.substring("logout_token=".length()), StandardCharsets.UTF_8));
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/backchannel-logout";
    }

    /** The session ids ({@code sid}) of the logout tokens received so far, waiting briefly for the first. */
    public List<String> loggedOutSessionIds(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (logoutTokens.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return logoutTokens.stream().map(token -> Tokens.claims(token).path("sid").asText()).toList();
    }

    /** Whether a logout token for the session {@code sid} arrives within {@code wait}. */
    public boolean awaitLogoutOf(String sid, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (logoutsOf(sid) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return logoutsOf(sid) > 0;
    }

    /** Whether {@code count} logout tokens have arrived within {@code wait}. */
    public boolean awaitLogouts(int count, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (logoutTokens.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return logoutTokens.size() >= count;
    }

    private long logoutsOf(String sid) {
        return logoutTokens.stream().filter(token -> Tokens.claims(token).path("sid").asText().equals(sid)).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
