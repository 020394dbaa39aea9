package dev.sluice.gateway.transform;

import dev.sluice.gateway.support.InProcessGateway;
import dev.sluice.gateway.route.BuiltInPolicies;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RouteValidator;
import dev.sluice.gateway.route.RouteViolation;
import dev.sluice.gateway.route.Violations;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.test.http.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code transform} policy on a real gateway and a real backend that records what reached it. */
class TransformTest {

    static TestBackend backend;
    static HttpServer jsonBackend;
    static InProcessGateway gateway;
    static int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        backend = TestBackend.start("transformed");
        jsonBackend = jsonBackend();
        String json = "http://127.0.0.1:" + jsonBackend.getAddress().getPort();
        String r = "--sluice.gateway.routes[0].";
        String s = "--sluice.gateway.routes[1].";
        String k = "--sluice.gateway.routes[2].";
        String d = "--sluice.gateway.routes[3].";
        gateway = InProcessGateway.start(List.of("--sluice.gateway.store.enabled=false",
                r + "id=orders", r + "uri=" + backend.url(), r + "match.path=/api/orders/{id}/{*rest}",
                r + "transform.request.path=/v2/orders/{id}/items/{rest}",
                r + "transform.request.query.source=gateway",
                r + "transform.request.query.note=a b&c",
                r + "transform.request.headers.add.X-Added=one",
                r + "transform.request.headers.set.X-Set=fixed",
                r + "transform.request.headers.remove[0]=X-Internal",
                r + "transform.request.headers.rename.X-Old=X-New",
                r + "transform.response.headers.rename.X-Backend=X-Served-By",
                r + "transform.response.headers.remove[0]=Cache-Control",
                r + "transform.response.headers.set.X-Frame-Options=DENY",
                r + "transform.response.headers.add.X-Extra=yes",
                s + "id=plain", s + "uri=" + backend.url(), s + "match.path=/plain/**", s + "stripPrefix=1",
                s + "transform.request.query.v=2",
                k + "id=kept", k + "uri=" + json, k + "match.path=/kept/{*rest}", k + "transform.request.path=/{rest}",
                k + "transform.response.json.keep[0]=/id", k + "transform.response.json.keep[1]=/customer/name",
                k + "transform.response.json.maxBodySize=1KB",
                d + "id=dropped", d + "uri=" + json, d + "match.path=/dropped/{*rest}", d + "transform.request.path=/{rest}",
                d + "transform.response.json.drop[0]=/customer/email", d + "transform.response.json.drop[1]=/internal"));
        port = gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (jsonBackend != null) {
            jsonBackend.stop(0);
        }
    }

    /** Answers JSON: an order, a list of them, a large one, one that is not JSON, and an error. */
    private static HttpServer jsonBackend() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            String order = "{\"id\":7,\"customer\":{\"name\":\"Ada\",\"email\":\"ada@example.com\"},"
                    + "\"internal\":{\"cost\":3},\"total\":12}";
            Map<String, String> bodies = Map.of("/order", order, "/orders", "[" + order + "," + order + "]",
                    "/large", "{\"id\":1,\"padding\":\"" + "x".repeat(2048) + "\"}", "/broken", "{\"id\":",
                    "/failed", "{\"id\":7,\"customer\":{\"email\":\"ada@example.com\"},\"detail\":\"boom\"}");
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                byte[] body = bodies.getOrDefault(path, "{}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(path.equals("/failed") ? 500 : 200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theRequestReachesTheUpstreamRewrittenAndTheResponseComesBackEdited() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/orders/" + id + "/lines/7?cc=max-age%3D60"))
                .header("X-Set", "client").header("X-Internal", "secret").header("X-Old", "moved").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("transformed GET /v2/orders/" + id + "/items/lines/7?")
                .contains("cc=max-age%3D60").contains("source=gateway").contains("note=a%20b%26c");
        TestBackend.Received received = backend.received().stream()
                .filter(r -> r.path().equals("/v2/orders/" + id + "/items/lines/7")).findFirst().orElseThrow();
        assertThat(received.header("X-Added")).containsExactly("one");
        assertThat(received.header("X-Set")).containsExactly("fixed");
        assertThat(received.header("X-Internal")).isEmpty();
        assertThat(received.header("X-Old")).isEmpty();
        assertThat(received.header("X-New")).containsExactly("moved");

        assertThat(response.headers().firstValue("X-Served-By")).hasValue("transformed");
        assertThat(response.headers().firstValue("X-Backend")).isEmpty();
        assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("X-Extra")).hasValue("yes");
    }

    @Test
    void anEncodedDotDotInACapturedSegmentIsRefusedNotPassedOnToWalkTheUpstream() throws Exception {
        int before = backend.received().size();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/orders/%2E%2E/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("/bad_path");
        assertThat(backend.received().size()).isEqualTo(before);
    }

    @Test
    void queryParametersAddToWhatTheClientSentAfterStripPrefix() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/plain/things?mine=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("transformed GET /things?mine=1&v=2");
    }

    @Test
    void aJsonAnswerKeepsOnlyTheListedFieldsOrLosesTheDroppedOnesElementByElementInAList() throws Exception {
        assertThat(get("/kept/order").body()).isEqualTo("{\"id\":7,\"customer\":{\"name\":\"Ada\"}}");
        HttpResponse<String> dropped = get("/dropped/order");
        assertThat(dropped.body()).isEqualTo("{\"id\":7,\"customer\":{\"name\":\"Ada\"},\"total\":12}");
        assertThat(dropped.headers().firstValue("Content-Length")).hasValue(String.valueOf(dropped.body().length()));
        assertThat(get("/dropped/orders").body()).isEqualTo("[{\"id\":7,\"customer\":{\"name\":\"Ada\"},\"total\":12},"
                + "{\"id\":7,\"customer\":{\"name\":\"Ada\"},\"total\":12}]");
    }

    @Test
    void aJsonAnswerTooLargeOrNotJsonIsA502NeverPassedUnprojectedAndErrorsPassAsTheyAre() throws Exception {
        HttpResponse<String> large = get("/kept/large");
        assertThat(large.statusCode()).isEqualTo(502);
        assertThat(large.body()).contains("/response_too_large").doesNotContain("xxxx");
        HttpResponse<String> broken = get("/dropped/broken");
        assertThat(broken.statusCode()).isEqualTo(502);
        assertThat(broken.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(broken.body()).contains("/bad_upstream_json");
        HttpResponse<String> failed = get("/dropped/failed");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("\"detail\":\"boom\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTemplateVariableTheMatchDoesNotCaptureAndBadEditsAreRefusedByFieldPath() {
        RouteModel model = BuiltInPolicies.model();
        Violations v = new Violations();
        RouteValidator.validate(model, model.readList(List.of(Map.of(
                "id", "x", "uri", "http://h", "match", Map.of("path", "/a/{id}"),
                "transform", Map.of(
                        "request", Map.of("path", "/b/{other}/{id}", "headers", Map.of("set", Map.of("X-A", "line\nbreak"),
                                "remove", List.of("bad header"))),
                        "response", Map.of("headers", Map.of("rename", Map.of("X-From", "not:a:name")),
                                "json", Map.of("keep", List.of("/a"), "drop", List.of("b")))))), "routes"),
                v.at("routes"));
        assertThat(v.list()).containsExactlyInAnyOrder(
                new RouteViolation("routes[0].transform.request.path", "uses {other}, which match.path does not capture"),
                new RouteViolation("routes[0].transform.request.headers.set.X-A", "needs a value without control characters"),
                new RouteViolation("routes[0].transform.request.headers.remove[0]", "must be a header name"),
                new RouteViolation("routes[0].transform.response.headers.rename.X-From", "must map a header name to a header name"),
                new RouteViolation("routes[0].transform.response.json", "needs either keep or drop"),
                new RouteViolation("routes[0].transform.response.json.drop[0]", "must be a JSON pointer to a field, such as /customer/email"));

        Violations regex = new Violations();
        RouteValidator.validate(model, model.readList(List.of(Map.of("id", "y", "uri", "http://h",
                "match", Map.of("path", "/a/{id}"), "transform", Map.of("request", Map.of("path", "/b/{id:[0-9]+}")))),
                "routes"), regex.at("routes"));
        assertThat(regex.list()).extracting(RouteViolation::field).containsExactly("routes[0].transform.request.path");

        Violations stripped = new Violations();
        RouteValidator.validate(model, model.readList(List.of(Map.of("id", "z", "uri", "http://h", "stripPrefix", 1,
                "match", Map.of("path", "/a/{id}"), "transform", Map.of("request", Map.of("path", "/b/{id}")))),
                "routes"), stripped.at("routes"));
        assertThat(stripped.list()).containsExactly(new RouteViolation("routes[0].transform.request.path",
                "gives the whole path; the route cannot also set stripPrefix"));
    }
}
