import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A tiny HTTP backend for trying the Admin API: answers every request with its name, the method and the path.
 * Runs from source on the JDK alone: {@code java examples/EchoBackend.java 9001 echo-v1}.
 */
public class EchoBackend {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9001;
        String name = args.length > 1 ? args[1] : "echo";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            byte[] body = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println(name + " listening on http://127.0.0.1:" + port);
    }
}
