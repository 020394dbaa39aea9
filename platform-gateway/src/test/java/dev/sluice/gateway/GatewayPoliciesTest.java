package dev.sluice.gateway;

import dev.sluice.gateway.pipeline.FilterOrder;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.RouteTable;
import org.springframework.cloud.gateway.route.Route;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Ports;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each route policy through a real gateway, onto real HTTP backends on loopback, with the real Redis Cluster
 * behind the rate limits. The routes are in {@code application-policies.yml}.
 */
class GatewayPoliciesTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static TestBackend a;
    static TestBackend b;
    static ConfigurableApplicationContext gateway;
    static int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        // The sources include a stand-in for a team's own authentication (see PrincipalFromTestHeader).
        gateway = new SpringApplication(GatewayApplication.class, PrincipalFromTestHeader.class).run("--server.port=0", "--management.server.port=0",
                "--spring.profiles.active=policies",
                "--backend.a=" + a.port(), "--backend.b=" + b.port(), "--backend.dead=" + Ports.free(),
                "--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses(),
                "--spring.cloud.discovery.client.simple.instances.pair[0].uri=" + a.url(),
                "--spring.cloud.discovery.client.simple.instances.pair[1].uri=" + b.url());
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        a.close();
        b.close();
    }

    // --- the path ------------------------------------------------------------------------------------------------

    /**
     * FilterOrder is the one list of where each filter runs: every global filter of the running gateway, ours and
     * Spring Cloud Gateway's, is in it at the order it runs with, and every filter of every route (which uses each
     * policy at least once here) runs at a policy's place. A filter added without a place fails here.
     */
    @Test
    void everyFilterOnTheWayHasItsPlaceInFilterOrder() {
        Map<String, Integer> global = new java.util.TreeMap<>();
        gateway.getBeansOfType(org.springframework.cloud.gateway.filter.GlobalFilter.class).values().forEach(filter ->
                global.put(org.springframework.aop.support.AopUtils.getTargetClass(filter).getSimpleName(),
                        orderOf(filter)));
        assertThat(global).isNotEmpty();
        assertThat(FilterOrder.GLOBAL_FILTERS).as("FilterOrder's places for the running gateway's global filters")
                .containsAllEntriesOf(global);

        // Route filters: each route has exactly one filter per policy it carries (and stripPrefix), at the place the
        // policy declares; application-policies.yml uses every policy the gateway ships.
        RouteModel model = gateway.getBean(RouteModel.class);
        RouteTable table = gateway.getBean(RouteTable.class);
        Set<String> used = new HashSet<>();
        table.documents().forEach(document -> {
            List<Integer> expected = new ArrayList<>();
            if (document.stripPrefix() != null && document.stripPrefix() > 0) {
                expected.add(FilterOrder.STRIP_PREFIX);
            }
            model.policies().stream().filter(p -> document.policies().containsKey(p.field())).forEach(p -> {
                used.add(p.field());
                if (p.order() != FilterOrder.LOAD_BALANCER) { // loadBalancer acts in Gateway's own filter
                    expected.add(p.order());
                }
            });
            Route route = table.getRoutes().filter(r -> r.getId().equals(document.id())).blockFirst();
            List<Integer> actual = new ArrayList<>();
            route.getFilters().forEach(filter -> actual.add(orderOf(filter)));
            assertThat(actual).as("route " + document.id() + "'s filters").containsExactlyInAnyOrderElementsOf(expected);
        });
        assertThat(used).as("the policies' routes in application-policies.yml").containsAll(
                model.policies().stream().filter(GatewayPoliciesTest::shipped).map(RoutePolicy::field).toList());
    }

    /**
     * The routing filter is Sluice's declaration of Gateway's, with the header filters fused: one of each, and the
     * copying filters Gateway registers replaced (Gateway's own routing filter is switched off in application.yml).
     */
    @Test
    void oneRoutingFilterRunsWithTheFusedHeaderFilters() {
        Map<String, org.springframework.cloud.gateway.filter.NettyRoutingFilter> routing =
                gateway.getBeansOfType(org.springframework.cloud.gateway.filter.NettyRoutingFilter.class);
        assertThat(routing).containsOnlyKeys("sluiceRoutingFilter");
        assertThat(gateway.getBeansOfType(org.springframework.cloud.gateway.filter.NettyWriteResponseFilter.class))
                .hasSize(1);
        List<Class<?>> headerFilters = routing.get("sluiceRoutingFilter").getHeadersFilters().stream()
                .<Class<?>>map(Object::getClass).toList();
        assertThat(headerFilters).contains(dev.sluice.gateway.headers.UpstreamHeadersFilter.class,
                dev.sluice.gateway.headers.AnswerHeadersFilter.class).doesNotContain(
                org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter.class,
                org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter.class,
                org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter.class,
                org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter.class,
                dev.sluice.gateway.observability.TraceContextFilter.class);
    }

    /** A policy of the gateway's own classes, not one the test sources add (such as {@code stamp}). */
    private static boolean shipped(RoutePolicy<?> policy) {
        return !policy.getClass().getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes");
    }

    private static int orderOf(Object filter) {
        return filter instanceof org.springframework.core.Ordered ordered ? ordered.getOrder()
                : org.springframework.core.annotation.OrderUtils.getOrder(
                        org.springframework.aop.support.AopUtils.getTargetClass(filter),
                        org.springframework.core.Ordered.LOWEST_PRECEDENCE);
    }

    // --- routing -------------------------------------------------------------------------------------------------

    @Test
    void aPlainRoutePassesPathQueryAndBodyThrough() throws Exception {
        HttpResponse<String> response = send(request("/echo/x?q=1").POST(HttpRequest.BodyPublishers.ofString("hi")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("a POST /echo/x?q=1 hi #");
    }

    @Test
    void stripPrefixDropsLeadingSegments() throws Exception {
        assertThat(send(request("/s/echo/y")).body()).startsWith("a GET /echo/y #");
    }

    @Test
    void headerAndMethodConditionsMustAllHold() throws Exception {
        assertThat(send(request("/tenant/1").header("X-Tenant", "acme")).body()).startsWith("b GET /tenant/1 #");
        assertProblem(send(request("/tenant/1").header("X-Tenant", "other")), 404, "not_found");
        assertProblem(send(request("/tenant/1").header("X-Tenant", "acme").DELETE()), 404, "not_found");
    }

    @Test
    void lbNamesResolveThroughDiscoveryAndRoundRobin() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = send(request("/lb/echo/rr"));
            assertThat(response.statusCode()).isEqualTo(200);
            seen.add(response.headers().firstValue("X-Backend").orElseThrow());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    // --- protection ----------------------------------------------------------------------------------------------

    @Test
    void aSlowUpstreamIsCutAtTheRouteTimeoutWithA504Problem() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(request("/slow/3000/x"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertProblem(response, 504, "upstream_timeout");
        assertThat(tookMs).isLessThan(2500);
    }

    @Test
    void aRouteWithoutATimeoutGetsTheGatewayDefault() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(request("/default-slow/slow/3000/x"));
        assertProblem(response, 504, "upstream_timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
    }

    @Test
    void aRouteTimeoutLongerThanTheGatewayDefaultIsWaitedInFull() throws Exception {
        // 1.5 s: past the gateway's 1 s default, within the route's 3 s. Orders (40 s against a 30 s default) need it.
        HttpResponse<String> response = send(request("/patient/slow/1500/x"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void idempotentRequestsAreRetriedUntilTheUpstreamRecovers() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> response = send(request("/flaky/2/get").header("X-Test-Id", id));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(a.received().stream().filter(r -> id.equals(first(r.headers(), "X-test-id"))).count()).isEqualTo(3);
    }

    @Test
    void postIsRetriedOnlyWithAnIdempotencyKeyAndTheBodyIsSentAgain() throws Exception {
        String plain = UUID.randomUUID().toString();
        HttpResponse<String> once = send(request("/flaky/1/post").header("X-Test-Id", plain)
                .POST(HttpRequest.BodyPublishers.ofString("body-1")));
        assertThat(once.statusCode()).isEqualTo(503);
        assertThat(receivedWithId(plain)).isEqualTo(1);

        String keyed = UUID.randomUUID().toString();
        HttpResponse<String> retried = send(request("/flaky/1/post").header("X-Test-Id", keyed)
                .header("Idempotency-Key", keyed).POST(HttpRequest.BodyPublishers.ofString("body-2")));
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.body()).startsWith("a POST /flaky/1/post body-2 #");
        assertThat(receivedWithId(keyed)).isEqualTo(2);
    }

    @Test
    void retriesGiveUpAfterTheConfiguredAttempts() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> response = send(request("/flaky/10/get").header("X-Test-Id", id));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(receivedWithId(id)).isEqualTo(3);
    }

    @Test
    void aFailingRouteOpensItsBreakerAndAnswersWithTheStaticFallback() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(send(request("/status/500/x")).statusCode()).isEqualTo(500); // upstream answers pass through
        }
        long before = a.receivedOn("/status/");
        HttpResponse<String> degraded = send(request("/status/500/x"));
        assertThat(degraded.statusCode()).isEqualTo(503);
        assertThat(degraded.headers().firstValue("Sluice-Degraded")).hasValue("circuit_open");
        assertThat(degraded.headers().firstValue("X-Fallback")).hasValue("static");
        assertThat(json.readTree(degraded.body()).path("message").asString()).isEqualTo("paused");
        assertThat(a.receivedOn("/status/")).isEqualTo(before);
    }

    @Test
    void anUnreachableUpstreamIsA502ProblemAndThenTheBreakerOpens() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertProblem(send(request("/dead/x")), 502, "upstream_unreachable");
        }
        HttpResponse<String> open = send(request("/dead/x"));
        assertProblem(open, 503, "circuit_open");
        assertThat(open.headers().firstValue("Sluice-Degraded")).hasValue("circuit_open");
    }

    @Test
    void callsSlowerThanTheThresholdOpenTheBreakerThoughTheyAnsweredWell() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send(request("/slowcb/slow/250/x" + i)).statusCode()).isEqualTo(200); // slow, not failed
        }
        long before = a.receivedOn("/slow/250/");
        HttpResponse<String> open = send(request("/slowcb/slow/250/y"));
        assertProblem(open, 503, "circuit_open");
        assertThat(a.receivedOn("/slow/250/")).isEqualTo(before);
    }

    @Test
    void aFailingRouteFallsBackToAnotherRouteWithTheRequestAsTheClientSentIt() throws Exception {
        // The upstream is down. A body that may have gone to it is not sent again: the static answer instead.
        HttpResponse<String> post = send(request("/primary/p").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.body()).contains("secondary unavailable for this request");
        // A GET goes on to route "secondary", with the path as the client sent it (before "primary" stripped it).
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> answer = send(request("/primary/x" + i));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).startsWith("b GET /primary/x" + i);
            assertThat(answer.headers().firstValue("Sluice-Degraded")).hasValue("upstream_failed; route=secondary");
        }
        // Three failures opened the breaker: nothing goes to the dead upstream, and bodies go on whole.
        HttpResponse<String> open = send(request("/primary/q").POST(HttpRequest.BodyPublishers.ofString("{\"b\":2}")));
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Sluice-Degraded")).hasValue("circuit_open; route=secondary");
        assertThat(open.body()).startsWith("b POST /primary/q {\"b\":2}");
    }

    @Test
    void aPostCutOffByTheTimeoutIsA504WithOutcomeUnknownNotTheFallback() throws Exception {
        // The upstream got the POST and may have acted on it: "paused, try again" would invite a second order.
        String id = UUID.randomUUID().toString();
        HttpResponse<String> post = send(request("/unsure/slow/1000/p").header("X-Test-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(post, 504, "upstream_timeout");
        assertThat(post.headers().firstValue("Sluice-Degraded")).isEmpty();
        assertThat(json.readTree(post.body()).path("outcome").asString()).isEqualTo("unknown");
        assertThat(receivedWithId(id)).isEqualTo(1);
        // A GET is safe to send again, so the fallback answers it.
        HttpResponse<String> get = send(request("/unsure/slow/1000/g"));
        assertThat(get.statusCode()).isEqualTo(503);
        assertThat(get.headers().firstValue("Sluice-Degraded")).hasValue("upstream_failed");
        assertThat(json.readTree(get.body()).path("code").asString()).isEqualTo("paused");
    }

    @Test
    void theBulkheadTurnsAwayRequestsBeyondItsLimit() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(http.sendAsync(request("/bulk/slow/700/b" + i).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
        assertThat(statuses).containsOnly(200, 503);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(2);
        HttpResponse<String> rejected = calls.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 503)
                .findFirst().orElseThrow();
        assertProblem(rejected, 503, "bulkhead_full");
    }

    // --- validation ----------------------------------------------------------------------------------------------

    @Test
    void aValidRequestPassesValidationWithItsBody() throws Exception {
        HttpResponse<String> response = send(order("k1", "application/json", "{\"sku\":\"abc-1\",\"quantity\":2}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("a POST /orders {\"sku\":\"abc-1\",\"quantity\":2} #");
    }

    @Test
    void schemaViolationsAreListedWithJsonPointersAndNeverReachTheUpstream() throws Exception {
        long before = a.receivedOn("/orders");
        HttpResponse<String> response = send(order("k2", "application/json", "{\"sku\":\"NOT VALID\",\"quantity\":0,\"x\":1}"));
        JsonNode problem = assertProblem(response, 400, "invalid_request");
        List<String> pointers = new ArrayList<>();
        problem.path("errors").forEach(e -> pointers.add(e.path("pointer").asString()));
        assertThat(pointers).contains("/sku", "/quantity");
        assertThat(problem.path("errors").size()).isGreaterThanOrEqualTo(3); // the extra property too
        assertThat(a.receivedOn("/orders")).isEqualTo(before);
    }

    @Test
    void badJsonMissingHeadersWrongTypesAndBigBodiesAreRejected() throws Exception {
        long before = a.receivedOn("/orders");
        assertProblem(send(order("k3", "application/json", "{\"sku\":")), 400, "malformed_body");
        assertProblem(send(order("k3", "application/json", "")), 400, "invalid_request");
        JsonNode missing = assertProblem(send(order(null, "application/json", "{\"sku\":\"a\",\"quantity\":1}")), 400,
                "invalid_request");
        assertThat(missing.path("errors").get(0).path("header").asString()).isEqualTo("Idempotency-Key");
        assertProblem(send(order("k3", "text/plain", "{\"sku\":\"a\",\"quantity\":1}")), 415, "unsupported_media_type");
        String big = "{\"sku\":\"" + "a".repeat(2000) + "\",\"quantity\":1}";
        assertProblem(send(order("k3", "application/json", big)), 413, "body_too_large");
        assertThat(a.receivedOn("/orders")).isEqualTo(before);
    }

    @Test
    void aMissingHeaderAndABadBodyAreListedInOneAnswer() throws Exception {
        JsonNode problem = assertProblem(send(order(null, "application/json", "{\"sku\":\"a\",\"quantity\":0}")), 400,
                "invalid_request");
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("Idempotency-Key", "quantity");
    }

    @Test
    void everyRouteRefusesBodiesOverTheGatewayLimit() throws Exception {
        long before = a.receivedOn("/echo/");
        assertProblem(send(request("/echo/big").POST(HttpRequest.BodyPublishers.ofString("x".repeat(70_000)))), 413,
                "body_too_large");
        // Chunked: no Content-Length, counted as it streams.
        HttpResponse<String> chunked = send(request("/echo/big-chunked").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream("x".repeat(70_000).getBytes()))));
        assertProblem(chunked, 413, "body_too_large");
        assertThat(send(request("/echo/small").POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_000)))).statusCode())
                .isEqualTo(200);
        assertThat(a.received().stream().filter(r -> r.path().startsWith("/echo/big")).count()).isZero();
        assertThat(a.receivedOn("/echo/")).isEqualTo(before + 1);
    }

    @Test
    void aSchemaCanComeFromTheClasspath() throws Exception {
        HttpResponse<String> bad = send(request("/file-orders").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"x\"}")));
        JsonNode problem = assertProblem(bad, 400, "invalid_request");
        assertThat(problem.path("errors").get(0).path("message").asString()).contains("quantity");
        HttpResponse<String> good = send(request("/file-orders").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"x\",\"quantity\":1}")));
        assertThat(good.statusCode()).isEqualTo(200);
    }

    // --- traffic split -------------------------------------------------------------------------------------------

    @Test
    void aTenPercentSplitLandsWithinThreePointsOverTwoThousandRequests() {
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 2000)
                .mapToObj(i -> http.sendAsync(request("/split/x").build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        long toB = calls.stream().map(CompletableFuture::join)
                .peek(r -> assertThat(r.statusCode()).isEqualTo(200))
                .filter(r -> r.headers().firstValue("X-Backend").orElseThrow().equals("b")).count();
        double percent = toB / 20.0;
        assertThat(percent).isBetween(7.0, 13.0);
    }

    @Test
    void aHeaderCanaryAlwaysGoesToTheCanary() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(send(request("/split/x").header("X-Canary", "true")).headers().firstValue("X-Backend")).hasValue("b");
        }
    }

    @Test
    void aStickySplitKeepsEachClientOnOneSide() throws Exception {
        Set<String> sides = new HashSet<>();
        for (int user = 0; user < 20; user++) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                seen.add(send(request("/sticky/x").header("X-User", "user-" + user)).headers().firstValue("X-Backend").orElseThrow());
            }
            assertThat(seen).hasSize(1);
            sides.addAll(seen);
        }
        assertThat(sides).containsExactlyInAnyOrder("a", "b");
    }

    // --- rate limiting -------------------------------------------------------------------------------------------

    @Test
    void theRateLimitAnswersWithHeadersAndA429ProblemPerKey() throws Exception {
        String client = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> ok = send(request("/limited/x").header("X-Client", client));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Limit")).hasValue("5");
            assertThat(ok.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(4 - i));
            assertThat(ok.headers().firstValue("RateLimit-Reset")).isPresent();
        }
        long before = a.receivedOn("/limited");
        HttpResponse<String> denied = send(request("/limited/x").header("X-Client", client));
        assertProblem(denied, 429, "rate_limited");
        assertThat(Integer.parseInt(denied.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 2);
        assertThat(denied.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(a.receivedOn("/limited")).isEqualTo(before);
        assertThat(send(request("/limited/x").header("X-Client", "someone-else")).statusCode()).isEqualTo(200);
    }

    @Test
    void forwardedForIsBelievedFromTrustedProxiesOnly() throws Exception {
        // The test connects from 127.0.0.1, which this profile trusts: each forwarded client has its own bucket.
        String first = "203.0.113." + (1 + (int) (Math.random() * 100));
        String second = "198.51.100." + (1 + (int) (Math.random() * 100));
        for (int i = 0; i < 3; i++) {
            assertThat(send(request("/limited-ip/x").header("X-Forwarded-For", first)).statusCode()).isEqualTo(200);
        }
        assertThat(send(request("/limited-ip/x").header("X-Forwarded-For", first)).statusCode()).isEqualTo(429);
        assertThat(send(request("/limited-ip/x").header("X-Forwarded-For", "10.9.9.9, " + second)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPrincipalKeyGivesEachAuthenticatedCallerItsOwnBucket() throws Exception {
        String alice = "alice-" + UUID.randomUUID();
        String anonymousIp = "192.0.2." + (1 + (int) (Math.random() * 200));
        for (int i = 0; i < 2; i++) {
            assertThat(send(request("/limited-principal/x").header("X-Test-User", alice)
                    .header("X-Forwarded-For", "203.0.113." + i)).statusCode()).isEqualTo(200);
        }
        // Keyed by who, not where from: a new address does not give alice a new bucket.
        assertProblem(send(request("/limited-principal/x").header("X-Test-User", alice)
                .header("X-Forwarded-For", "203.0.113.99")), 429, "rate_limited");
        assertThat(send(request("/limited-principal/x").header("X-Test-User", "bob-" + UUID.randomUUID())
                .header("X-Forwarded-For", "203.0.113.99")).statusCode()).isEqualTo(200);
        // Without a principal, the client address is the key.
        for (int i = 0; i < 2; i++) {
            assertThat(send(request("/limited-principal/x").header("X-Forwarded-For", anonymousIp)).statusCode()).isEqualTo(200);
        }
        assertProblem(send(request("/limited-principal/x").header("X-Forwarded-For", anonymousIp)), 429, "rate_limited");
    }

    /**
     * Stands in for a team's authentication: a WebFilter that sets the exchange's principal, as Spring Security
     * would. Only this test's gateway has it (a source, not a scanned component).
     */
    static final class PrincipalFromTestHeader implements WebFilter {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
            if (user == null) {
                return chain.filter(exchange);
            }
            Principal principal = () -> user;
            return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private long receivedWithId(String id) {
        return a.received().stream().filter(r -> id.equals(first(r.headers(), "X-test-id"))).count();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }

    private HttpRequest.Builder order(String key, String contentType, String body) {
        HttpRequest.Builder builder = request("/orders").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return key == null ? builder : builder.header("Idempotency-Key", key);
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).as(response.body()).isEqualTo("https://sluice.dev/problems/" + code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return problem;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
