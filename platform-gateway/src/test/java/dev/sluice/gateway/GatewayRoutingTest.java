package dev.sluice.gateway;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway routes by path to lb:// names resolved through local discovery, onto real HTTP backends. */
class GatewayRoutingTest {

    static HttpServer orders;
    static HttpServer inventory;
    static ConfigurableApplicationContext gateway;
    static int trafficPort;
    static int managementPort;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        orders = backend("orders-backend");
        inventory = backend("inventory-backend");
        gateway = SpringApplication.run(GatewayApplication.class,
                "--server.port=0", "--management.server.port=0",
                "--spring.cloud.discovery.client.simple.instances.sample-order-service[0].uri=http://127.0.0.1:"
                        + orders.getAddress().getPort(),
                "--spring.cloud.discovery.client.simple.instances.sample-inventory-service[0].uri=http://127.0.0.1:"
                        + inventory.getAddress().getPort());
        trafficPort = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        managementPort = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        orders.stop(0);
        inventory.stop(0);
    }

    @Test
    void ordersPathsReachTheOrderServiceUnchanged() throws Exception {
        HttpResponse<String> response = get(trafficPort, "/api/orders/info?x=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("orders-backend GET /api/orders/info?x=1");
    }

    @Test
    void inventoryPathsReachTheInventoryServiceUnchanged() throws Exception {
        HttpResponse<String> response = get(trafficPort, "/api/inventory/items/sku-1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("inventory-backend GET /api/inventory/items/sku-1");
    }

    @Test
    void unroutedPathsAreA404ProblemAndReachNoBackend() throws Exception {
        HttpResponse<String> response = get(trafficPort, "/api/unknown");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void healthIsOnTheManagementPortAndNothingElseIsAnonymous() throws Exception {
        assertThat(get(managementPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/env").statusCode()).isEqualTo(401);
        assertThat(get(managementPort, "/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(get(trafficPort, "/actuator/health").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpServer backend(String name) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
