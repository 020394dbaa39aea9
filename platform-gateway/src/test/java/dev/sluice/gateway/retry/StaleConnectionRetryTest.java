package dev.sluice.gateway.retry;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.gateway.support.StaleConnectionBackend;
import dev.sluice.gateway.support.StaleConnectionBackend.Drop;
import dev.sluice.gateway.support.StaleConnectionBackend.Received;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled upstream connection that the upstream drops just as the gateway reuses it: a replay-safe request is sent
 * again on a new connection and answered; anything else gets a 502 problem and reaches the upstream once, and so does
 * a request dropped on a connection opened for it. Each test has its own backend, so each starts with a known pool.
 */
class StaleConnectionRetryTest {

    static final List<StaleConnectionBackend> BACKENDS = new ArrayList<>();
    static StaleConnectionBackend closing;
    static StaleConnectionBackend resetting;
    static StaleConnectionBackend unkeyedPost;
    static StaleConnectionBackend keyedPost;
    static StaleConnectionBackend whenOff;
    static StaleConnectionBackend failing;
    static ConfigurableApplicationContext gateway;
    static ConfigurableApplicationContext gatewayWithoutRetry;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        closing = backend(Drop.CLOSE, 1);
        resetting = backend(Drop.RESET, 1);
        unkeyedPost = backend(Drop.CLOSE, 1);
        keyedPost = backend(Drop.CLOSE, 1);
        whenOff = backend(Drop.RESET, 1);
        failing = backend(Drop.CLOSE, 0);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--sluice.gateway.store.enabled=false"));
        route(args, 0, "closing", closing, "");
        route(args, 1, "resetting", resetting, "");
        // validate buffers the body: only a buffered body can be sent again
        route(args, 2, "unkeyed", unkeyedPost, "validate.maxBodySize=1KB");
        route(args, 3, "keyed", keyedPost, "validate.maxBodySize=1KB");
        route(args, 4, "failing", failing, "");
        gateway = SpringApplication.run(GatewayApplication.class, args.toArray(String[]::new));
        gatewayWithoutRetry = SpringApplication.run(GatewayApplication.class, "--server.port=0",
                "--management.server.port=0", "--sluice.gateway.store.enabled=false",
                "--sluice.gateway.retry-stale-connections=false", "--sluice.gateway.routes[0].id=off",
                "--sluice.gateway.routes[0].uri=" + whenOff.url(), "--sluice.gateway.routes[0].match.path=/off/**");
    }

    @AfterAll
    static void stop() throws Exception {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { gateway, gatewayWithoutRetry }) {
            if (context != null) {
                context.close();
            }
        }
        for (StaleConnectionBackend backend : BACKENDS) {
            backend.close();
        }
    }

    @Test
    void aGetOnAConnectionTheUpstreamClosedIsSentAgainOnANewOne() throws Exception {
        assertThat(get(gateway, "/closing/1").statusCode()).isEqualTo(200);
        HttpResponse<String> second = get(gateway, "/closing/2");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("answered GET /closing/2 #2");
        assertThat(closing.received()).containsExactly(new Received("GET", "/closing/1", "answered"),
                new Received("GET", "/closing/2", "dropped"), new Received("GET", "/closing/2", "answered"));
        assertThat(staleRetries("closing")).isEqualTo(1.0);
    }

    @Test
    void aGetOnAConnectionTheUpstreamResetIsSentAgainOnANewOne() throws Exception {
        assertThat(get(gateway, "/resetting/1").statusCode()).isEqualTo(200);
        HttpResponse<String> second = get(gateway, "/resetting/2");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("answered GET /resetting/2 #2");
        assertThat(resetting.received()).extracting(Received::outcome).containsExactly("answered", "dropped", "answered");
        assertThat(staleRetries("resetting")).isEqualTo(1.0);
    }

    @Test
    void aPostWithoutAnIdempotencyKeyIsNeverSentTwice() throws Exception {
        assertThat(get(gateway, "/unkeyed/prime").statusCode()).isEqualTo(200);
        HttpResponse<String> post = send(request(gateway, "/unkeyed/order")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"a\"}")));
        assertProblem(post, 502, "upstream_unreachable");
        assertThat(unkeyedPost.received()).containsExactly(new Received("GET", "/unkeyed/prime", "answered"),
                new Received("POST", "/unkeyed/order", "dropped"));
        assertThat(staleRetries("unkeyed")).isZero();
    }

    @Test
    void aPostWithAnIdempotencyKeyAndABufferedBodyIsSentAgain() throws Exception {
        assertThat(get(gateway, "/keyed/prime").statusCode()).isEqualTo(200);
        HttpResponse<String> post = send(request(gateway, "/keyed/order").header("Idempotency-Key", "k-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"a\"}")));
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(keyedPost.received()).containsExactly(new Received("GET", "/keyed/prime", "answered"),
                new Received("POST", "/keyed/order", "dropped"), new Received("POST", "/keyed/order", "answered"));
    }

    @Test
    void aGetDroppedOnAConnectionOpenedForItIsNotSentAgain() throws Exception {
        assertProblem(get(gateway, "/failing/1"), 502, "upstream_unreachable");
        assertThat(failing.received()).containsExactly(new Received("GET", "/failing/1", "dropped"));
        assertThat(staleRetries("failing")).isZero();
    }

    @Test
    void turnedOffTheDroppedRequestIsA502ProblemNotA500() throws Exception {
        assertThat(get(gatewayWithoutRetry, "/off/1").statusCode()).isEqualTo(200);
        assertProblem(get(gatewayWithoutRetry, "/off/2"), 502, "upstream_unreachable");
        assertThat(whenOff.received()).extracting(Received::outcome).containsExactly("answered", "dropped");
    }

    private static StaleConnectionBackend backend(Drop drop, int answersPerConnection) throws Exception {
        StaleConnectionBackend backend = new StaleConnectionBackend(drop, answersPerConnection);
        BACKENDS.add(backend);
        return backend;
    }

    private static void route(List<String> args, int index, String id, StaleConnectionBackend backend, String extra) {
        String prefix = "--sluice.gateway.routes[" + index + "].";
        args.add(prefix + "id=" + id);
        args.add(prefix + "uri=" + backend.url());
        args.add(prefix + "match.path=/" + id + "/**");
        if (!extra.isEmpty()) {
            args.add(prefix + extra);
        }
    }

    private double staleRetries(String route) {
        var counter = gateway.getBean(MeterRegistry.class).find("sluice.gateway.retries")
                .tags("route", route, "outcome", "stale_connection").counter();
        return counter == null ? 0 : counter.count();
    }

    private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
        return send(request(context, path));
    }

    private HttpRequest.Builder request(ConfigurableApplicationContext context, String path) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JsonMapper.builder().build().readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("https://sluice.dev/problems/" + code);
    }
}
