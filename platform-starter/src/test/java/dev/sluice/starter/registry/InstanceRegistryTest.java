package dev.sluice.starter.registry;

import dev.sluice.test.process.Await;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sluice.starter.registry.RegistryApps.port;
import static dev.sluice.starter.registry.RegistryApps.ports;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry on a real Redis Cluster: instances of a real servlet service register when ready and leave on a
 * graceful stop, a reader application finds them through Spring Cloud's discovery clients, an instance gone silent
 * leaves after its TTL, and a master failover under the registry's keys drops nobody. Each test registers under its
 * own service name, so none depends on another having run.
 */
class InstanceRegistryTest {

    static final String[] TIMING = {"--sluice.registry.heartbeat=500ms", "--sluice.registry.ttl=3s",
            "--sluice.registry.refresh=500ms", "--sluice.registry.drain=300ms"};

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    static ConfigurableApplicationContext reader;

    @BeforeAll
    static void startReader() {
        reader = start(RegistryApps.reader(REDIS.cluster().nodeAddresses(), TIMING));
    }

    @AfterAll
    static void stopAll() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    static ConfigurableApplicationContext start(ConfigurableApplicationContext app) {
        apps.add(app);
        return app;
    }

    static ConfigurableApplicationContext service(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of(TIMING));
        args.addAll(List.of(extra));
        return start(RegistryApps.service(name, REDIS.cluster().nodeAddresses(), args.toArray(String[]::new)));
    }

    @Test
    void aReadyInstanceIsFoundWithItsZoneAndMetadata() {
        ConfigurableApplicationContext catalog = service("catalog", "--sluice.service.zone=eu-1",
                "--sluice.registry.metadata.weight=3");
        Await.until("the reader to find catalog", Duration.ofSeconds(3),
                () -> ports(reader, "catalog").equals(List.of(port(catalog))));
        ServiceInstance found = reader.getBean(DiscoveryClient.class).getInstances("catalog").get(0);
        assertThat(found.getHost()).isEqualTo("127.0.0.1");
        assertThat(found.getInstanceId()).isEqualTo("127.0.0.1:" + port(catalog));
        assertThat(found.getMetadata()).containsEntry("zone", "eu-1").containsEntry("weight", "3");
        assertThat(reader.getBean(ReactiveDiscoveryClient.class).getInstances("catalog").map(ServiceInstance::getPort)
                .collectList().block()).containsExactly(port(catalog));
        assertThat(reader.getBean(DiscoveryClient.class).getServices()).contains("catalog");
    }

    @Test
    void anInstanceStartedAtRuntimeIsSeenWithinASecondAndItsGracefulStopRemovesItAsFast() {
        ConfigurableApplicationContext first = service("pricing");
        Await.until("the reader to find pricing", Duration.ofSeconds(3),
                () -> ports(reader, "pricing").equals(List.of(port(first))));

        ConfigurableApplicationContext second = service("pricing");
        long ready = System.nanoTime();
        // The refresh check runs every 500 ms; seen in well under that, it came by the push.
        Await.until("the reader to see the second instance", Duration.ofSeconds(1),
                () -> ports(reader, "pricing").contains(port(second)));
        long seenMillis = (System.nanoTime() - ready) / 1_000_000;
        assertThat(seenMillis).isLessThan(1000);

        int secondPort = port(second);
        long closing = System.nanoTime();
        Thread stopper = new Thread(second::close);
        stopper.start();
        Await.until("the reader to drop the stopped instance", Duration.ofSeconds(1),
                () -> !ports(reader, "pricing").contains(secondPort));
        long droppedMillis = (System.nanoTime() - closing) / 1_000_000;
        // Gone from discovery while the instance was still draining (300 ms), so nobody chose it as it stopped.
        assertThat(droppedMillis).isLessThan(300);
        assertThat(ports(reader, "pricing")).containsExactly(port(first));
    }

    @Test
    void aSilentInstanceLeavesDiscoveryAfterItsTtlAndNotBefore() {
        RedisInstanceRegistry registry = reader.getBean(RedisInstanceRegistry.class);
        InstanceRecord frozen = new InstanceRecord("ledger", "127.0.0.9:9", "127.0.0.9", 9, false, "default", Map.of());
        registry.heartbeat(frozen).block(Duration.ofSeconds(2));
        Await.until("the reader to find ledger", Duration.ofSeconds(2), () -> ports(reader, "ledger").equals(List.of(9)));
        long lastBeat = System.nanoTime();
        // No more heartbeats: as if the instance had been SIGKILLed or frozen.
        Await.until("the silent instance to leave", Duration.ofSeconds(6), () -> ports(reader, "ledger").isEmpty());
        long goneAfter = (System.nanoTime() - lastBeat) / 1_000_000;
        assertThat(goneAfter).isBetween(2_500L, 3_000L + 500 + 1_000);
        // The entry itself stays a minute longer, shown as not live in views.
        assertThat(registry.read("ledger").block()).singleElement()
                .satisfies(entry -> assertThat(entry.silentMillis()).isGreaterThan(3_000));
    }

    @Test
    void aMasterFailoverUnderTheRegistryDropsNoInstance() throws Exception {
        ConfigurableApplicationContext billing = service("billing");
        int billingPort = port(billing);
        // A second instance whose heartbeats the test sends by hand: its last one lands 2.5 s before the master
        // holding it dies, so by the time a replica has taken over it looks older than the TTL (3 s). Its
        // heartbeats could not have landed meanwhile, so readers must keep it rather than drop it.
        RedisInstanceRegistry registry = reader.getBean(RedisInstanceRegistry.class);
        InstanceRecord quiet = new InstanceRecord("billing", "127.0.0.9:19", "127.0.0.9", 19, false, "default", Map.of());
        registry.heartbeat(quiet).block(Duration.ofSeconds(2));
        Await.until("the reader to find both billing instances", Duration.ofSeconds(3),
                () -> ports(reader, "billing").equals(List.of(19, billingPort)));
        Thread.sleep(2_500);

        RedisCluster.Failover failover = REDIS.cluster().killMasterAndAwaitFailover(
                RedisInstanceRegistry.keys("billing").get(0), Duration.ofSeconds(20));
        // Both stay through the failover's aftermath: until reads succeed again, and for a few refreshes after,
        // in which the reader finds the quiet one older than the TTL.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long readsBackAt = 0;
        long quietSilence = -1;
        int samples = 0;
        while (readsBackAt == 0 || System.nanoTime() - readsBackAt < Duration.ofMillis(1_500).toNanos()) {
            assertThat(System.nanoTime()).as("reads to come back after the failover").isLessThan(deadline);
            assertThat(ports(reader, "billing")).as("instances after a failover of %s, sample %d", failover.took(),
                    samples++).containsExactly(19, billingPort);
            if (readsBackAt == 0) {
                List<RegisteredInstance> now = registry.read("billing").timeout(Duration.ofMillis(500))
                        .onErrorReturn(List.of()).block();
                if (now != null && !now.isEmpty()) {
                    readsBackAt = System.nanoTime();
                    quietSilence = now.stream().filter(e -> e.instance().port() == 19)
                            .mapToLong(RegisteredInstance::silentMillis).findFirst().orElse(-1);
                }
            }
            Thread.sleep(50);
        }
        assertThat(quietSilence).as("the quiet instance's silence when reads came back").isGreaterThan(3_000);
        // The real instance's heartbeats land on the promoted master again; the quiet one, still silent, leaves.
        Await.until("heartbeats to resume", Duration.ofSeconds(10), () -> registry.read("billing")
                .timeout(Duration.ofSeconds(2)).onErrorReturn(List.of()).block().stream()
                .anyMatch(entry -> entry.instance().port() == billingPort && entry.silentMillis() < 1_000));
        Await.until("the quiet instance to leave", Duration.ofSeconds(6),
                () -> ports(reader, "billing").equals(List.of(billingPort)));
        REDIS.cluster().restart(failover.killed());
    }

    @Test
    void theActuatorEndpointListsServicesWithZoneAndAge() throws Exception {
        ConfigurableApplicationContext search = service("search", "--sluice.service.zone=eu-2",
                "--management.endpoints.web.exposure.include=health,registry",
                "--sluice.management.tokens[0].name=ops", "--sluice.management.tokens[0].role=viewer",
                "--sluice.management.tokens[0].sha256=" + java.util.HexFormat.of().formatHex(
                        dev.sluice.starter.management.BearerTokens.sha256("ops-token")));
        Await.until("search to register", Duration.ofSeconds(3), () -> search.getBean(InstanceRegistration.class).registered());
        HttpResponse<String> view = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port(search) + "/actuator/registry"))
                        .header("Authorization", "Bearer ops-token").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("\"source\":\"redis\"", "\"registered\":true",
                "\"search\":[{\"id\":\"127.0.0.1:" + port(search) + "\"", "\"zone\":\"eu-2\"", "\"ageSeconds\":",
                "\"live\":true");
    }

    @Test
    void nothingRegistersUnderAServiceNameThatCouldBreakTheHashTag() {
        ReactiveStringRedisTemplate redis = reader.getBean(ReactiveStringRedisTemplate.class);
        assertThat(redis).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisInstanceRegistry.keys("a}b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
