package dev.sluice.test.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on loopback whose behaviour the path picks:
 * <ul>
 * <li>{@code /slow/<ms>/...} answers 200 after sleeping;</li>
 * <li>{@code /status/<code>/...} answers that status;</li>
 * <li>{@code /flaky/<n>/...} answers 503 to the first n requests with the same {@code X-Test-Id}, then 200;</li>
 * <li>{@code /big/<n>} answers n bytes;</li>
 * <li>{@code /problem/<status>/<code>} answers that status with an RFC 9457 problem+json body of that code;</li>
 * <li>anything else answers 200 with {@code <name> <METHOD> <path?query> <body> #<requests so far>}.</li>
 * </ul>
 * The query parameters {@code cc} and {@code vary} set {@code Cache-Control} and {@code Vary} (the varied header's
 * value is echoed in the body).
 * Every answer carries {@code X-Backend: <name>}, and the backend records what it received.
 */
public final class TestBackend implements AutoCloseable {

    public record Received(String method, String path, Map<String, List<String>> headers, String body) {

        /** The values of a request header, by its name in any case; empty when it was not sent. */
        public List<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(List.of());
        }
    }

    private final String name;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();
    private final boolean record;

    private TestBackend(String name, String host, int port, boolean record) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.name = name;
        this.record = record;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, name + "-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestBackend start(String name) {
        try {
            return new TestBackend(name, "127.0.0.1", 0, true);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On a given loopback address and port: two backends can share a port on 127.0.0.1 and 127.0.0.2. */
    public static TestBackend start(String name, String host, int port) {
        try {
            return new TestBackend(name, host, port, true);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a backend as its own process: {@code TestBackend <name> <port> [--no-record]}; see {@link BackendProcess}.
     * A benchmark's backend records nothing: the record grows with every request.
     */
    public static void main(String[] args) throws Exception {
        new TestBackend(args[0], "127.0.0.1", Integer.parseInt(args[1]), !(args.length > 2 && args[2].equals("--no-record")));
        Thread.currentThread().join();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public List<Received> received() {
        return received;
    }

    public long receivedOn(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            if (record) {
                received.add(new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
            }
            String[] parts = path.split("/");
            int status = 200;
            if (path.startsWith("/slow/")) {
                sleep(Long.parseLong(parts[2]));
            }
            else if (path.startsWith("/status/")) {
                status = Integer.parseInt(parts[2]);
            }
            else if (path.startsWith("/problem/")) {
                status = Integer.parseInt(parts[2]);
                byte[] problem = ("{\"type\":\"https://sluice.dev/problems/" + parts[3] + "\",\"title\":\"Test problem\","
                        + "\"status\":" + status + ",\"detail\":\"" + name + " says " + parts[3] + "\",\"code\":\""
                        + parts[3] + "\",\"backend\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(status, problem.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(problem);
                }
                return;
            }
            else if (path.startsWith("/flaky/")) {
                String id = exchange.getRequestHeaders().getFirst("X-Test-Id");
                int seen = flakyCounts.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
                status = seen <= Integer.parseInt(parts[2]) ? 503 : 200;
            }
            String text = name + " " + exchange.getRequestMethod() + " " + path + (query != null ? "?" + query : "")
                    + (body.isEmpty() ? "" : " " + body);
            if (path.startsWith("/big/")) {
                text = "x".repeat(Integer.parseInt(parts[2]));
            }
            Map<String, String> params = params(query);
            if (params.containsKey("cc")) {
                exchange.getResponseHeaders().set("Cache-Control", params.get("cc"));
            }
            if (params.containsKey("vary")) {
                exchange.getResponseHeaders().set("Vary", params.get("vary"));
                text += " " + params.get("vary") + "=" + exchange.getRequestHeaders().getFirst(params.get("vary"));
            }
            if (!path.startsWith("/big/")) {
                text += " #" + (record ? received.size() : 0);
            }
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
