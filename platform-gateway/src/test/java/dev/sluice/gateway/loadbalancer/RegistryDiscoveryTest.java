package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.starter.management.BearerTokens;
import dev.sluice.starter.registry.InstanceRecord;
import dev.sluice.starter.registry.RedisInstanceRegistry;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Await;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Off Kubernetes, {@code lb://} names resolve through the instance registry in a real Redis Cluster: an instance
 * registered at runtime takes traffic within two seconds, a deregistered one stops at once, and one whose
 * heartbeats stop leaves after its TTL. The backends are real HTTP servers; their heartbeats are sent here, as
 * the starter sends them from a service. Each test uses its own service name.
 */
class RegistryDiscoveryTest {

    static final String ADMIN = "registry-admin-token";

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static final List<AutoCloseable> backends = new ArrayList<>();
    static final ScheduledExecutorService beats = Executors.newScheduledThreadPool(2);
    static ConfigurableApplicationContext gateway;
    static RedisInstanceRegistry registry;
    static int port;
    static int managementPort;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses(),
                "--sluice.registry.heartbeat=500ms", "--sluice.registry.ttl=3s", "--sluice.registry.refresh=500ms",
                "--sluice.gateway.admin.tokens[0].name=ops",
                "--sluice.gateway.admin.tokens[0].role=viewer",
                "--sluice.gateway.admin.tokens[0].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(ADMIN))));
        List<String> services = List.of("growing", "shrinking", "listed");
        for (int i = 0; i < services.size(); i++) {
            String service = services.get(i);
            args.addAll(List.of("--sluice.gateway.routes[" + i + "].id=" + service,
                    "--sluice.gateway.routes[" + i + "].uri=lb://" + service,
                    "--sluice.gateway.routes[" + i + "].match.path=/" + service + "/**",
                    "--sluice.gateway.routes[" + i + "].stripPrefix=1"));
        }
        gateway = SpringApplication.run(GatewayApplication.class, args.toArray(String[]::new));
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        managementPort = Integer.parseInt(gateway.getEnvironment().getProperty("local.management.port"));
        registry = gateway.getBean(RedisInstanceRegistry.class);
    }

    @AfterAll
    static void stop() throws Exception {
        beats.shutdownNow();
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable backend : backends) {
            backend.close();
        }
    }

    /** A real backend that announces itself as an instance of {@code service} every 500 ms until told to stop. */
    record Registered(TestBackend backend, InstanceRecord record, ScheduledFuture<?> heartbeats) {

        static Registered start(String service, String name, String zone) {
            TestBackend backend = TestBackend.start(name);
            backends.add(backend);
            InstanceRecord record = new InstanceRecord(service, "127.0.0.1:" + backend.port(), "127.0.0.1",
                    backend.port(), false, zone, Map.of());
            registry.heartbeat(record).block(Duration.ofSeconds(2));
            ScheduledFuture<?> heartbeats = beats.scheduleWithFixedDelay(
                    () -> registry.heartbeat(record).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(),
                    500, 500, TimeUnit.MILLISECONDS);
            return new Registered(backend, record, heartbeats);
        }

        void deregister() {
            heartbeats.cancel(false);
            registry.deregister(record.service(), record.id()).block(Duration.ofSeconds(2));
        }

        void fallSilent() {
            heartbeats.cancel(false);
        }
    }

    String backendOf(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Backend").orElseThrow();
    }

    @Test
    void anInstanceRegisteredAtRuntimeTakesTrafficWithinTwoSeconds() throws Exception {
        Registered.start("growing", "growing-1", "default");
        assertThat(backendOf("/growing/x")).isEqualTo("growing-1");

        Registered.start("growing", "growing-2", "default");
        long registered = System.nanoTime();
        List<String> seen = new ArrayList<>();
        while (!seen.contains("growing-2")) {
            assertThat(System.nanoTime() - registered).as("time until the new instance answers")
                    .isLessThan(Duration.ofSeconds(2).toNanos());
            seen.add(backendOf("/growing/x"));
        }
        // From then on both serve, round-robin.
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            next.add(backendOf("/growing/x"));
        }
        assertThat(next).containsOnly("growing-1", "growing-2").contains("growing-1", "growing-2");
    }

    @Test
    void aDeregisteredInstanceStopsAtOnceAndASilentOneAfterItsTtl() throws Exception {
        Registered first = Registered.start("shrinking", "shrinking-1", "default");
        Registered second = Registered.start("shrinking", "shrinking-2", "default");
        Registered third = Registered.start("shrinking", "shrinking-3", "default");
        Await.until("all three to serve", Duration.ofSeconds(3), () -> {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seen.add(call("/shrinking/x"));
            }
            return seen.containsAll(List.of("shrinking-1", "shrinking-2", "shrinking-3"));
        });

        second.deregister();
        Thread.sleep(200); // the push
        for (int i = 0; i < 12; i++) {
            assertThat(backendOf("/shrinking/x")).isNotEqualTo("shrinking-2");
        }

        // Silent but still answering: only the TTL takes it out, not the load balancer's ejection.
        third.fallSilent();
        long silentFrom = System.nanoTime();
        List<String> early = new ArrayList<>();
        while (System.nanoTime() - silentFrom < Duration.ofMillis(2_000).toNanos()) {
            early.add(backendOf("/shrinking/x"));
        }
        assertThat(early).as("within the TTL the silent instance still serves").contains("shrinking-3");
        Await.until("the silent instance to leave", Duration.ofSeconds(4), () -> {
            for (int i = 0; i < 6; i++) {
                if (call("/shrinking/x").equals("shrinking-3")) {
                    return false;
                }
            }
            return true;
        });
        assertThat(System.nanoTime() - silentFrom).isLessThan(Duration.ofMillis(3_000 + 500 + 1_000).toNanos());
        assertThat(first.backend().receivedOn("/x")).isPositive();
    }

    @Test
    void theAdminApiListsEveryServiceAndItsInstances() throws Exception {
        Registered one = Registered.start("listed", "listed-1", "eu-1");
        URI services = URI.create("http://127.0.0.1:" + managementPort + "/admin/v1/services");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(services).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> view = http.send(HttpRequest.newBuilder(services)
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(view.body()).contains("\"complete\":true", "\"listed\":[{\"id\":\"" + one.record().id() + "\"",
                "\"uri\":\"http://127.0.0.1:" + one.backend().port() + "\"", "\"zone\":\"eu-1\"", "\"live\":true");
    }

    private String call(String path) {
        try {
            return backendOf(path);
        }
        catch (Exception | AssertionError e) {
            return "error: " + e.getMessage();
        }
    }
}
