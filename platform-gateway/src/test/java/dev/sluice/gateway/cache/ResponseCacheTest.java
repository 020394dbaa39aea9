package dev.sluice.gateway.cache;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Await;
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
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared response cache: two gateway nodes on one real Redis Cluster serve the same entries; Cache-Control,
 * Vary, TTL and size rules; no stampede; stale answers while the upstream is down; pass-through without Redis.
 */
class ResponseCacheTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static TestBackend backend;
    static TestBackend fragile;
    static ConfigurableApplicationContext node1;
    static ConfigurableApplicationContext node2;
    static ConfigurableApplicationContext withoutRedis;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        backend = TestBackend.start("cached");
        fragile = TestBackend.start("fragile");
        node1 = gateway(REDIS.cluster().nodeAddresses());
        node2 = gateway(REDIS.cluster().nodeAddresses());
        withoutRedis = gateway("127.0.0.1:" + Ports.free());
        // The first Redis call of a node opens its cluster connections, which can outlast the 50 ms budget (a miss).
        HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (ConfigurableApplicationContext node : List.of(node1, node2)) {
            for (int i = 0; i < 3; i++) {
                warm.sendAsync(HttpRequest.newBuilder(uri(node, "/c/warm-up")).build(), HttpResponse.BodyHandlers.discarding()).join();
            }
        }
    }

    /** A fill is stored in Redis just after its answer has gone out: wait for it before asking another node. */
    private static void awaitStored(String path) {
        String key = ResponseCache.key("cached", MockServerWebExchange.from(MockServerHttpRequest.method(org.springframework.http.HttpMethod.GET, URI.create(path))));
        ReactiveStringRedisTemplate redis = node1.getBean(ReactiveStringRedisTemplate.class);
        Await.until("the cache entry for " + path, Duration.ofSeconds(5), () -> Boolean.TRUE.equals(redis.hasKey(key).block()));
    }

    static ConfigurableApplicationContext gateway(String redisNodes) {
        return SpringApplication.run(GatewayApplication.class, "--server.port=0", "--management.server.port=0",
                "--spring.data.redis.cluster.nodes=" + redisNodes,
                "--sluice.gateway.routes[0].id=cached",
                "--sluice.gateway.routes[0].uri=" + backend.url(),
                "--sluice.gateway.routes[0].match.path=/c/**",
                "--sluice.gateway.routes[0].stripPrefix=1",
                "--sluice.gateway.routes[0].cache.ttl=30s",
                "--sluice.gateway.routes[0].cache.maxBodySize=1KB",
                "--sluice.gateway.routes[1].id=fragile",
                "--sluice.gateway.routes[1].uri=" + fragile.url(),
                "--sluice.gateway.routes[1].match.path=/f/**",
                "--sluice.gateway.routes[1].stripPrefix=1",
                "--sluice.gateway.routes[1].cache.ttl=1s",
                "--sluice.gateway.routes[1].circuitBreaker.slidingWindow=100",
                "--sluice.gateway.routes[1].circuitBreaker.fallback.stale=true");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {node1, node2, withoutRedis}) {
            if (c != null) {
                c.close();
            }
        }
        backend.close();
        fragile.close();
    }

    @Test
    void anEntryFilledThroughOneNodeIsAHitOnTheOther() {
        String path = "/c/item/" + UUID.randomUUID();
        HttpResponse<String> first = get(node1, path);
        awaitStored(path);
        HttpResponse<String> second = get(node2, path);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Age")).isPresent();
        assertThat(backend.receivedOn(path.substring(2))).isEqualTo(1);

        HttpResponse<String> head = send(node2, HttpRequest.newBuilder(uri(node2, path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(head.body()).isEmpty();
        assertThat(backend.receivedOn(path.substring(2))).isEqualTo(1);
    }

    @Test
    void noStoreAndPrivateAnswersAreNeverCached() {
        for (String cc : List.of("no-store", "private")) {
            String path = "/c/" + UUID.randomUUID() + "?cc=" + cc;
            get(node1, path);
            assertThat(get(node2, path).headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(backend.receivedOn(path.substring(2, path.indexOf('?')))).isEqualTo(2);
        }
    }

    @Test
    void aShorterMaxAgeWinsOverTheRouteTtl() throws Exception {
        String path = "/c/" + UUID.randomUUID() + "?cc=max-age%3D1";
        get(node1, path);
        awaitStored(path);
        assertThat(get(node1, path).headers().firstValue("X-Cache")).hasValue("HIT");
        Thread.sleep(1_200);
        assertThat(get(node1, path).headers().firstValue("X-Cache")).hasValue("MISS");
    }

    @Test
    void varyKeepsOneEntryPerVariant() {
        String path = "/c/" + UUID.randomUUID() + "?vary=Accept-Language";
        HttpResponse<String> en = send(node1, HttpRequest.newBuilder(uri(node1, path)).header("Accept-Language", "en"));
        awaitStored(path);
        HttpResponse<String> fr = send(node1, HttpRequest.newBuilder(uri(node1, path)).header("Accept-Language", "fr"));
        assertThat(fr.headers().firstValue("X-Cache")).hasValue("MISS");
        HttpResponse<String> enAgain = send(node2, HttpRequest.newBuilder(uri(node2, path)).header("Accept-Language", "en"));
        assertThat(enAgain.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(enAgain.body()).isEqualTo(en.body()).contains("Accept-Language=en");
    }

    @Test
    void answersOverTheSizeLimitAreNotCached() {
        String path = "/c/big/2000?id=" + UUID.randomUUID();
        assertThat(get(node1, path).body()).hasSize(2000); // over the route's 1KB
        assertThat(get(node1, path).headers().firstValue("X-Cache")).hasValue("MISS");
    }

    @Test
    void concurrentMissesOnOneNodeMakeOneUpstreamCall() {
        String path = "/c/slow/400/" + UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(uri(node1, path)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
        assertThat(answers).allMatch(r -> r.statusCode() == 200);
        assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
        assertThat(backend.receivedOn(path.substring(2))).isEqualTo(1);
    }

    @Test
    void whileTheUpstreamIsDownAnExpiredEntryIsServedStale() throws Exception {
        String path = "/f/page/" + UUID.randomUUID();
        HttpResponse<String> fresh = get(node1, path);
        Thread.sleep(1_200); // past the 1 s TTL
        fragile.close();
        HttpResponse<String> stale = get(node2, path);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.headers().firstValue("X-Cache")).hasValue("STALE");
        assertThat(stale.headers().firstValue("Sluice-Degraded")).hasValue("upstream_failed");
        assertThat(stale.body()).isEqualTo(fresh.body());
        HttpResponse<String> unknown = get(node2, "/f/never-cached");
        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void withoutRedisRequestsPassThroughUncachedAndPromptly() {
        String path = "/c/" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = get(withoutRedis, path);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
        }
        assertThat(backend.receivedOn(path.substring(2))).isEqualTo(3);
    }

    private HttpResponse<String> get(ConfigurableApplicationContext node, String path) {
        return send(node, HttpRequest.newBuilder(uri(node, path)));
    }

    private static URI uri(ConfigurableApplicationContext node, String path) {
        return URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort() + path);
    }

    private HttpResponse<String> send(ConfigurableApplicationContext node, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
