package dev.sluice.starter.registry;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.Ports;
import dev.sluice.test.redis.RedisCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.sluice.starter.registry.RegistryApps.port;
import static dev.sluice.starter.registry.RegistryApps.ports;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry when the Redis Cluster is away: an instance that starts before Redis serves and reports ready, keeps
 * trying, and registers once Redis is up; a reader keeps the instances it knew while Redis is down.
 */
class RegistryWithoutRedisTest {

    final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void anInstanceStartedBeforeRedisIsReadyAndRegistersOnceRedisIsUpAndReadersKeepItWhenRedisGoesAway()
            throws Exception {
        int firstPort = Ports.freeBlock(6, 10_000);
        String nodes = String.join(",", IntStream.range(0, 6).mapToObj(i -> "127.0.0.1:" + (firstPort + i)).toList());
        String[] timing = {"--sluice.registry.heartbeat=500ms", "--sluice.registry.ttl=3s",
                "--sluice.registry.refresh=500ms", "--sluice.registry.drain=0s"};

        ConfigurableApplicationContext catalog = RegistryApps.service("early", nodes, timing);
        started.add(catalog);
        ConfigurableApplicationContext reader = RegistryApps.reader(nodes, timing);
        started.add(reader);
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(catalog) + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(catalog.getBean(InstanceRegistration.class).registered()).isFalse();
        assertThat(ports(reader, "early")).isEmpty();

        RedisCluster redis = RedisCluster.builder().firstPort(firstPort).nodeTimeout(Duration.ofMillis(1000)).start();
        started.add(redis);
        Await.until("the instance to register", Duration.ofSeconds(20),
                () -> catalog.getBean(InstanceRegistration.class).registered());
        Await.until("the reader to find it", Duration.ofSeconds(5),
                () -> ports(reader, "early").equals(List.of(port(catalog))));

        redis.close();
        // Well past the TTL with Redis gone: the reader still offers what it last knew.
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            assertThat(ports(reader, "early")).containsExactly(port(catalog));
            Thread.sleep(100);
        }
    }
}
