package dev.sluice.gateway.observability;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.starter.management.BearerTokens;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-route metrics on a token-protected Prometheus endpoint, W3C trace context upstream, the JSON access log. */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest {

    static final String ADMIN = "admin-token-for-tests";
    static final String VIEWER = "viewer-token-for-tests";
    static TestBackend backend;
    static ConfigurableApplicationContext gateway;
    static int port;
    static int managementPort;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        backend = TestBackend.start("backend");
        gateway = SpringApplication.run(GatewayApplication.class, "--server.port=0", "--management.server.port=0",
                "--sluice.gateway.access-log.enabled=true",
                "--sluice.gateway.admin.tokens[0].name=ops", "--sluice.gateway.admin.tokens[0].role=admin",
                "--sluice.gateway.admin.tokens[0].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(ADMIN)),
                "--sluice.gateway.admin.tokens[1].name=dashboards", "--sluice.gateway.admin.tokens[1].role=viewer",
                "--sluice.gateway.admin.tokens[1].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(VIEWER)),
                "--sluice.gateway.routes[0].id=echo",
                "--sluice.gateway.routes[0].uri=" + backend.url(),
                "--sluice.gateway.routes[0].match.path=/echo/**",
                "--sluice.gateway.routes[0].rateLimit.rate=1000",
                "--sluice.gateway.routes[0].circuitBreaker.slidingWindow=10");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        managementPort = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    @Test
    void prometheusIsOnTheManagementPortForTokenHoldersOnly() throws Exception {
        send(port, "/echo/metrics", null);
        assertThat(send(managementPort, "/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(send(managementPort, "/actuator/prometheus", "wrong").statusCode()).isEqualTo(401);
        assertThat(send(managementPort, "/actuator/env", null).statusCode()).isEqualTo(401);
        assertThat(send(managementPort, "/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(send(port, "/actuator/prometheus", ADMIN).statusCode()).isEqualTo(404);

        HttpResponse<String> scrape = send(managementPort, "/actuator/prometheus", VIEWER);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("sluice_gateway_requests_seconds_bucket{")
                .containsPattern("sluice_gateway_requests_seconds_count\\{route=\"echo\",status=\"2xx\"} [1-9]")
                .contains("sluice_gateway_upstream_duration_seconds_count{route=\"echo\"}")
                .containsPattern("sluice_gateway_ratelimit_decisions_total\\{decision=\"allowed\",route=\"echo\",source=\"(cluster|local)\"} [1-9]")
                .contains("resilience4j_circuitbreaker_state{name=\"echo\"");
    }

    @Test
    void aViewerMayNotWrite() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + VIEWER).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void aValidTraceparentKeepsItsTraceAndTheGatewayBecomesTheParent() throws Exception {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo/traced"))
                .header("traceparent", incoming).header("tracestate", "vendor=1").build(), HttpResponse.BodyHandlers.ofString());
        TestBackend.Received received = last("/echo/traced");
        String upstream = header(received, "traceparent");
        assertThat(upstream).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01").isNotEqualTo(incoming);
        assertThat(header(received, "tracestate")).isEqualTo("vendor=1");
    }

    @Test
    void aMissingOrMalformedTraceparentStartsANewTrace() throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo/untraced"))
                .header("traceparent", "garbage").header("tracestate", "vendor=1").build(), HttpResponse.BodyHandlers.ofString());
        TestBackend.Received received = last("/echo/untraced");
        assertThat(header(received, "traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(header(received, "tracestate")).isNull();
    }

    @Test
    void theAccessLogWritesOneJsonLinePerRequest(CapturedOutput output) throws Exception {
        send(port, "/echo/logged?secret=1", null);
        // The line is written once the answer has gone out, so it may land just after the client has it.
        Await.until("the access log line", Duration.ofSeconds(5), () -> output.getOut().contains("\"path\":\"/echo/logged\""));
        assertThat(output.getOut()).containsPattern(
                "\\{\"time\":\"[^\"]+\",\"client\":\"127.0.0.1\",\"method\":\"GET\",\"path\":\"/echo/logged\",\"route\":\"echo\","
                        + "\"upstream\":\"http://127.0.0.1:\\d+\",\"status\":200,\"durationMs\":[0-9.]+,\"traceId\":\"[0-9a-f]{32}\"}");
        assertThat(output.getOut()).doesNotContain("secret=1");
    }

    private TestBackend.Received last(String path) {
        List<TestBackend.Received> matching = backend.received().stream().filter(r -> r.path().equals(path)).toList();
        return matching.get(matching.size() - 1);
    }

    private static String header(TestBackend.Received received, String name) {
        return received.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private HttpResponse<String> send(int to, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
