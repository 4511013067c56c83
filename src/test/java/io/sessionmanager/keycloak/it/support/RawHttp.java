package io.sessionmanager.keycloak.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests {@code java.net.http} refuses to send: any method,
 * a request target that is not a valid URI, header values with any byte, duplicated headers.
 * One request per connection ({@code Connection: close}), so the answer ends where the stream does.
 */
public final class RawHttp {

    private static final int TIMEOUT_MILLIS = 30_000;

    private RawHttp() {
    }

    /** What was sent, printable as the request that failed. */
    public record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(method).append(' ').append(abbreviate(target)).append('\n');
            headers.forEach(h -> text.append(h.getKey()).append(": ").append(printable(h)).append('\n'));
            return text.append("(body: ").append(body.length).append(" bytes) ")
                    .append(abbreviate(new String(body, StandardCharsets.ISO_8859_1))).toString();
        }
    }

    /** The answer; {@code status} 0 when the server closed the connection without one. */
    public record Response(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} to the server at {@code base} (scheme, host and port are used). */
    public static Response send(String base, Request request) {
        URI server = URI.create(base);
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            write(socket.getOutputStream(), server, request);
            return read(socket.getInputStream(), request.method().equals("HEAD"));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No answer in " + TIMEOUT_MILLIS + " ms to:\n" + request, e);
        } catch (IOException e) {
            // The server may refuse an oversized request by closing the connection: no answer, no 5xx.
            return new Response(0, Map.of(), e.getClass().getSimpleName());
        }
    }

    private static void write(OutputStream out, URI server, Request request) throws IOException {
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n")
                .append("Connection: close\r\n");
        request.headers().forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        if (request.body().length > 0 || !List.of("GET", "HEAD", "OPTIONS", "DELETE").contains(request.method())) {
            head.append("Content-Length: ").append(request.body().length).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(request.body());
        out.flush();
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        byte[] raw = in.readAllBytes();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Response(0, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = head ? new byte[0] : java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOfCrlf(chunked, at);
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return body.toByteArray();
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    /** Tokens are cut short: a failure report shows which kind was sent, not a usable token. */
    private static String printable(Map.Entry<String, String> header) {
        String value = header.getValue();
        return header.getKey().equalsIgnoreCase("Authorization") && value.length() > 24
                ? value.substring(0, 24) + "... (" + value.length() + " chars)" : abbreviate(value);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }
}
