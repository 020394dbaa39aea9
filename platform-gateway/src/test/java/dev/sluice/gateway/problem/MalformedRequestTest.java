package dev.sluice.gateway.problem;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.gateway.GatewayApplication;
import dev.sluice.test.http.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the gateway refuses itself, many of them before its filters run (Netty's decoder): each is answered 4xx
 * with problem+json, on the traffic port and on the management port, and the backend never sees one.
 */
class MalformedRequestTest {

    static HttpServer backend;
    static ConfigurableApplicationContext gateway;
    static int traffic;
    static int management;
    static volatile int backendCalls;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            backendCalls++;
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        gateway = SpringApplication.run(GatewayApplication.class, "--server.port=0", "--management.server.port=0",
                "--spring.cloud.discovery.client.simple.instances.sample-order-service[0].uri=http://127.0.0.1:"
                        + backend.getAddress().getPort(),
                "--spring.cloud.discovery.client.simple.instances.sample-inventory-service[0].uri=http://127.0.0.1:"
                        + backend.getAddress().getPort());
        traffic = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        management = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.stop(0);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET /api/inventory/items/LONG_URI HTTP/1.1       | 414 | uri_too_long                    | both
            GET /api/inventory/items/sku-1 HTTP/1.1 HEADERS  | 431 | request_header_fields_too_large | both
            GET /api/inventory/items/sku-1 HTTP/1.1 MANY     | 431 | request_header_fields_too_large | both
            NOT-HTTP-AT-ALL                                  | 400 | bad_request                     | both
            GET /api/inventory/items/sku-1                   | 400 | bad_request                     | both
            GET /nowhere HTTP/1.1                            | 404 | not_found                       | traffic
            POST /api/orders HTTP/1.1 BODY {"sku":           | 400 | malformed_body                  | traffic
            """)
    void theGatewayAnswersWhatItRefusesAsAProblem(String request, int status, String code, String ports)
            throws Exception {
        int callsBefore = backendCalls;
        // What Netty refuses is refused alike on the management port; routes exist on the traffic port only.
        for (int port : ports.equals("both") ? List.of(traffic, management) : List.of(traffic)) {
            List<String> headers = new ArrayList<>();
            String line = request;
            String body = null;
            if (line.contains(" BODY ")) {
                body = line.substring(line.indexOf(" BODY ") + 6);
                line = line.substring(0, line.indexOf(" BODY "));
                headers.add("Content-Type: application/json");
            }
            if (line.endsWith(" HEADERS")) {
                line = line.substring(0, line.length() - 8);
                headers.add("X-Padding: " + "p".repeat(20_000));
            }
            if (line.endsWith(" MANY")) {
                line = line.substring(0, line.length() - 5);
                for (int i = 0; i < 400; i++) {
                    headers.add("X-H" + i + ": " + "v".repeat(40));
                }
            }
            line = line.replace("LONG_URI", "x".repeat(10_000));
            RawHttp.Answer answer = RawHttp.send(port, line, headers, body);
            assertThat(answer.status()).as(port + ": " + answer).isEqualTo(status);
            assertThat(answer.contentType()).as(port + ": " + answer).startsWith("application/problem+json");
            if (port == traffic) {
                assertThat(answer.body()).as(answer.toString()).contains("\"code\":\"" + code + "\"");
            }
        }
        assertThat(backendCalls).isEqualTo(callsBefore);
    }
}
