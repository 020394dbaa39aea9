package dev.sluice.test.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request written as raw bytes on a fresh socket, and the answer read until the server closes: for
 * malformed requests that an HTTP client library would refuse to send or would clean up (a {@code %00} in the path,
 * a 20 KB header, a request line that is not HTTP).
 */
public final class RawHttp {

    /** What came back: the status, the Content-Type and the body (chunked bodies are left as sent). */
    public record Answer(int status, String contentType, String body) {
    }

    private RawHttp() {
    }

    /**
     * @param requestLine for example {@code GET /a%00b HTTP/1.1}
     * @param headers     extra header lines, without the line ends ({@code Host} and {@code Connection: close} are added)
     * @param body        sent as is, with its Content-Length; null for none
     */
    public static Answer send(int port, String requestLine, java.util.List<String> headers, String body) throws IOException {
        StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
        headers.forEach(h -> request.append(h).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        wire.write(bytes);
        // A server that answers and closes while the request is still arriving makes the kernel reset the
        // connection. The answer comes before the reset (the gateway's early 415s: 9 resets in 150, each after the
        // whole answer), so a reset after some bytes ends the answer. A reset before any byte, when Tomcat stops
        // reading a 20 KB header, is the transport's race and is tried again, at most three times in all.
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return parse(exchange(port, wire.toByteArray()));
            }
            catch (SocketException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The bytes that came back; a reset after some arrived ends the answer instead of losing it. */
    private static byte[] exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            }
            catch (SocketException e) {
                // The server may have answered before it stopped reading: read what it sent.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            }
            catch (SocketException e) {
                if (answer.size() == 0) {
                    throw e;
                }
            }
            return answer.toByteArray();
        }
    }

    private static Answer parse(byte[] bytes) {
        String raw = new String(bytes, StandardCharsets.UTF_8);
        if (raw.length() < 12) {
            return new Answer(0, "", "no answer: '" + raw + "'");
        }
        int status = Integer.parseInt(raw.substring(9, 12));
        int headersEnd = raw.indexOf("\r\n\r\n");
        String head = raw.substring(0, Math.max(headersEnd, 0));
        String type = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                .map(l -> l.substring(13).trim()).findFirst().orElse("");
        return new Answer(status, type, headersEnd < 0 ? "" : raw.substring(headersEnd + 4));
    }
}
