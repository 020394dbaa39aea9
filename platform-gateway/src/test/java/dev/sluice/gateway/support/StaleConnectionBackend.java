package dev.sluice.gateway.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on loopback that answers a set number of requests per connection, keeping the connection
 * open, then drops it when the next request arrives on it, unanswered. With one answer per connection that is the
 * race a proxy meets when an upstream closes an idle keep-alive connection just as the proxy reuses it, made certain
 * instead of rare; with none, an upstream that fails every request on a new connection.
 */
public final class StaleConnectionBackend implements AutoCloseable {

    /** How the second request on a connection is dropped. */
    public enum Drop {
        /** read it whole, then close (FIN) */
        CLOSE,
        /** close with a reset (RST) as soon as its first byte arrives */
        RESET
    }

    /** @param outcome {@code answered} or {@code dropped} */
    public record Received(String method, String path, String outcome) {
    }

    private final ServerSocket server;
    private final Drop drop;
    private final int answersPerConnection;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stale-backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();

    public StaleConnectionBackend(Drop drop, int answersPerConnection) throws IOException {
        this.drop = drop;
        this.answersPerConnection = answersPerConnection;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public List<Received> received() {
        return received;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.submit(() -> serve(socket));
            }
            catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < answersPerConnection; i++) {
                String[] request = readRequest(in);
                if (request == null) {
                    return;
                }
                received.add(new Received(request[0], request[1], "answered"));
                byte[] body = ("answered " + request[0] + " " + request[1] + " #" + answered.incrementAndGet())
                        .getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
            }
            if (drop == Drop.RESET) {
                if (in.read() < 0) {
                    return;
                }
                received.add(new Received("?", "?", "dropped"));
                socket.setSoLinger(true, 0);
                return;
            }
            String[] dropped = readRequest(in);
            if (dropped != null) {
                received.add(new Received(dropped[0], dropped[1], "dropped"));
            }
        }
        catch (IOException e) {
            // the gateway went away first
        }
    }

    /** Reads one request; returns its method and path, or {@code null} at the end of the stream. */
    private static String[] readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        int contentLength = 0;
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(contentLength);
        String[] parts = requestLine.split(" ");
        return new String[] { parts[0], parts[1] };
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
