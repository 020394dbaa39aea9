import dev.sluice.gateway.GatewayApplication;
import dev.sluice.starter.registry.InstanceRecord;
import dev.sluice.starter.registry.RedisInstanceRegistry;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.redis.RedisCluster;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How long the registry takes to change where the real gateway routes: from an instance's first heartbeat (what the
 * starter sends when the instance turns ready) to the first request the gateway sends it, and from its
 * deregistration (a graceful stop) to the last. A real six-node Redis Cluster, the gateway in this JVM with its
 * defaults (push and a 2 s check), real HTTP backends. One request every millisecond, one at a time.
 *   java -cp CP bench/RegistryPropagation.java [samples=100]
 */
public class RegistryPropagation {

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        try (RedisCluster cluster = RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)).start();
             TestBackend steady = TestBackend.start("steady");
             TestBackend joining = TestBackend.start("joining")) {
            ConfigurableApplicationContext gateway = new SpringApplication(GatewayApplication.class).run(
                    "--server.port=0", "--management.server.port=0", "--logging.level.root=WARN",
                    "--spring.data.redis.cluster.nodes=" + cluster.nodeAddresses(),
                    "--sluice.gateway.routes[0].id=bench",
                    "--sluice.gateway.routes[0].uri=lb://bench",
                    "--sluice.gateway.routes[0].match.path=/bench/**",
                    "--sluice.gateway.routes[0].stripPrefix=1");
            try {
                RedisInstanceRegistry registry = gateway.getBean(RedisInstanceRegistry.class);
                int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/x")).build();
                InstanceRecord steadyOne = record(steady);
                InstanceRecord joiningOne = record(joining);
                // The steady instance keeps the route answering; its heartbeats go on all along.
                Thread beats = new Thread(() -> {
                    while (true) {
                        registry.heartbeat(steadyOne).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
                        try {
                            Thread.sleep(1000);
                        }
                        catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                beats.setDaemon(true);
                beats.start();
                await(http, request, "steady", true, Duration.ofSeconds(10));
                List<Long> joins = new ArrayList<>();
                List<Long> leaves = new ArrayList<>();
                for (int i = 0; i < samples + 5; i++) {
                    long began = System.nanoTime();
                    registry.heartbeat(joiningOne).block(Duration.ofSeconds(2));
                    long joined = await(http, request, "joining", true, Duration.ofSeconds(10)) - began;
                    began = System.nanoTime();
                    registry.deregister(joiningOne.service(), joiningOne.id()).block(Duration.ofSeconds(2));
                    long left = await(http, request, "joining", false, Duration.ofSeconds(10)) - began;
                    if (i >= 5) { // the first few warm the gateway up
                        joins.add(joined);
                        leaves.add(left);
                    }
                }
                beats.interrupt();
                System.out.println("| change | samples | p50 | p99 | max |");
                System.out.println("| --- | --- | --- | --- | --- |");
                row("registered -> first request routed to it", joins);
                row("deregistered -> no more requests routed to it", leaves);
            }
            finally {
                gateway.close();
            }
        }
    }

    static InstanceRecord record(TestBackend backend) {
        return new InstanceRecord("bench", "127.0.0.1:" + backend.port(), "127.0.0.1", backend.port(), false,
                "default", Map.of());
    }

    /**
     * Sends requests until one is (or, with {@code present} false, five in a row are not) answered by
     * {@code backend}; returns the nanoTime of the request that showed it.
     */
    static long await(HttpClient http, HttpRequest request, String backend, boolean present, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int without = 0;
        long firstWithout = 0;
        while (System.nanoTime() < deadline) {
            long sent = System.nanoTime();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            boolean from = backend.equals(response.headers().firstValue("X-Backend").orElse(""));
            if (present && from) {
                return sent;
            }
            if (!present) {
                if (from) {
                    without = 0;
                }
                else if (without++ == 0) {
                    firstWithout = sent;
                }
                if (without == 5) {
                    return firstWithout;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no change within " + timeout);
    }

    static void row(String what, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("| %s | %d | %.1f ms | %.1f ms | %.1f ms |%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
