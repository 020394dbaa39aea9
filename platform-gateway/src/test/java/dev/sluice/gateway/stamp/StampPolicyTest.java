package dev.sluice.gateway.stamp;

import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.support.AdminClient;
import dev.sluice.gateway.support.InProcessGateway;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open policy model: {@code stamp} lives only in this package of the test sources, and the gateway takes it in
 * route documents from YAML and from the Admin API, validates it by field path, and runs its filter at the place it
 * declares, with no other file naming it. A real gateway, a real backend, the real Redis Cluster.
 */
class StampPolicyTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(RedisCluster.builder());

    static final String ADMIN = "stamp-admin-token";
    static TestBackend backend;
    static InProcessGateway gateway;
    static int port;
    static AdminClient admin;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        backend = TestBackend.start("stamped");
        List<String> settings = new ArrayList<>(InProcessGateway.adminToken(ADMIN));
        settings.addAll(List.of("--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses(),
                "--sluice.gateway.routes[0].id=yaml-stamped",
                "--sluice.gateway.routes[0].uri=" + backend.url(),
                "--sluice.gateway.routes[0].match.path=/yaml/**",
                "--sluice.gateway.routes[0].rateLimit.rate=1000",
                "--sluice.gateway.routes[0].bulkhead.maxConcurrent=10",
                "--sluice.gateway.routes[0].stamp.header=X-Stamp",
                "--sluice.gateway.routes[0].stamp.value=from-yaml"));
        gateway = InProcessGateway.start(settings);
        port = gateway.port();
        admin = gateway.admin(ADMIN);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aYamlRouteCarriesThePolicyAndItsFilterRunsAtItsDeclaredPlace() throws Exception {
        assertThat(send("/yaml/hello").statusCode()).isEqualTo(200);
        assertThat(lastReceived("/yaml/hello").header("X-Stamp")).containsExactly("from-yaml");

        Route route = gateway.context().getBean(RouteTable.class).getRoutes()
                .filter(r -> r.getId().equals("yaml-stamped")).blockFirst();
        List<Integer> orders = new ArrayList<>();
        route.getFilters().forEach(filter -> orders.add(((Ordered) filter).getOrder()));
        // rateLimit (-300), then stamp, then bulkhead (-250): each policy's own declared order.
        assertThat(orders).containsExactly(-300, StampGatewayFilterFactory.ORDER, -250);
    }

    @Test
    void theAdminApiWritesARouteWithThePolicyAndRefusesABadOneByFieldPath() throws Exception {
        String good = """
                {"uri": "%s", "match": {"path": "/api-stamped/**"}, "stamp": {"header": "X-Stamp", "value": "from-api"}}
                """.formatted(backend.url());
        HttpResponse<String> written = admin.put("/admin/v1/routes/api-stamped", good);
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        assertThat(send("/api-stamped/x").statusCode()).isEqualTo(200);
        assertThat(lastReceived("/api-stamped/x").header("X-Stamp")).containsExactly("from-api");

        JsonNode stored = json.readTree(admin.get("/admin/v1/routes/api-stamped").body());
        assertThat(stored.toString()).contains("\"stamp\":{\"header\":\"X-Stamp\",\"value\":\"from-api\"}");

        String bad = """
                {"uri": "%s", "match": {"path": "/bad/**"}, "stamp": {"header": "no good", "colour": "red"}}
                """.formatted(backend.url());
        HttpResponse<String> refused = admin.put("/admin/v1/routes/bad-stamp", bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        List<String> fields = new ArrayList<>();
        json.readTree(refused.body()).get("errors").forEach(v -> fields.add(v.get("field").asString()));
        assertThat(fields).containsExactly("stamp.colour");

        String incomplete = """
                {"uri": "%s", "match": {"path": "/bad/**"}, "stamp": {"header": "no good"}}
                """.formatted(backend.url());
        HttpResponse<String> invalid = admin.put("/admin/v1/routes/bad-stamp", incomplete);
        assertThat(invalid.statusCode()).isEqualTo(400);
        List<String> messages = new ArrayList<>();
        json.readTree(invalid.body()).get("errors").forEach(v ->
                messages.add(v.get("field").asString() + " " + v.get("message").asString()));
        assertThat(messages).containsExactlyInAnyOrder("stamp.header must be a header name", "stamp.value is required");
    }

    @Test
    void thePipelineListsThePolicyAmongEveryFilterInOrder() throws Exception {
        HttpResponse<String> response = admin.get("/admin/v1/pipeline");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> filters = new ArrayList<>();
        List<Integer> orders = new ArrayList<>();
        json.readTree(response.body()).get("filters").forEach(step -> {
            filters.add(step.get("filter").asString());
            orders.add(step.get("order").asInt());
        });
        assertThat(orders).isSorted();
        assertThat(filters).containsSubsequence("rateLimit", "stamp", "bulkhead", "validate", "cache",
                "NettyWriteResponseFilter", "circuitBreaker", "retry", "RouteToRequestUrlFilter", "split",
                "ReactiveLoadBalancerClientFilter", "NettyRoutingFilter");
        assertThat(filters.indexOf("stamp")).isEqualTo(filters.indexOf("rateLimit") + 1);
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                // A client's own copy is replaced, not added to.
                .header("X-Stamp", "from-client").build(), HttpResponse.BodyHandlers.ofString());
    }


    private TestBackend.Received lastReceived(String path) {
        return backend.received().stream().filter(r -> r.path().equals(path)).reduce((first, second) -> second)
                .orElseThrow();
    }
}
