package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.test.http.BackendProcess;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load balancing over real backend processes in two zones: weighted and round-robin strategies, zone affinity,
 * failover to the other zone when the local instances die (ejected by passive outlier detection), and the way back
 * when they recover.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancingTest {

    static BackendProcess east1;
    static BackendProcess east2;
    static BackendProcess west1;
    static TestBackend heavy;
    static TestBackend light;
    static ConfigurableApplicationContext gateway;
    static int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "load-balancing"));
        east1 = new BackendProcess("east-1", logs);
        east2 = new BackendProcess("east-2", logs);
        west1 = new BackendProcess("west-1", logs);
        heavy = TestBackend.start("heavy");
        light = TestBackend.start("light");
        String simple = "--spring.cloud.discovery.client.simple.instances.";
        gateway = SpringApplication.run(GatewayApplication.class, "--server.port=0", "--management.server.port=0",
                "--sluice.gateway.zone=east",
                "--sluice.gateway.outliers.consecutive-failures=3",
                "--sluice.gateway.outliers.base-ejection=2s",
                "--sluice.gateway.outliers.max-ejection-percent=70",
                simple + "zoned[0].uri=" + east1.url(), simple + "zoned[0].metadata.zone=east",
                simple + "zoned[1].uri=" + east2.url(), simple + "zoned[1].metadata.zone=east",
                simple + "zoned[2].uri=" + west1.url(), simple + "zoned[2].metadata.zone=west",
                simple + "weighted[0].uri=" + heavy.url(), simple + "weighted[0].metadata.weight=3",
                simple + "weighted[1].uri=" + light.url(), simple + "weighted[1].metadata.weight=1",
                "--sluice.gateway.routes[0].id=zoned",
                "--sluice.gateway.routes[0].uri=lb://zoned",
                "--sluice.gateway.routes[0].match.path=/zoned/**",
                "--sluice.gateway.routes[0].stripPrefix=1",
                "--sluice.gateway.routes[0].loadBalancer.zoneAffinity=true",
                "--sluice.gateway.routes[0].retry.attempts=2",
                "--sluice.gateway.routes[0].retry.backoff=10ms",
                "--sluice.gateway.routes[1].id=any-zone",
                "--sluice.gateway.routes[1].uri=lb://zoned",
                "--sluice.gateway.routes[1].match.path=/any/**",
                "--sluice.gateway.routes[1].stripPrefix=1",
                "--sluice.gateway.routes[2].id=weighted",
                "--sluice.gateway.routes[2].uri=lb://weighted",
                "--sluice.gateway.routes[2].match.path=/weighted/**",
                "--sluice.gateway.routes[2].stripPrefix=1",
                "--sluice.gateway.routes[2].loadBalancer.strategy=weighted");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {east1, east2, west1, heavy, light}) {
            try {
                if (c != null) {
                    c.close();
                }
            }
            catch (Exception e) {
                // keep closing the others
            }
        }
    }

    @Test
    @Order(1)
    void weightedSpreadsByInstanceWeight() {
        List<String> backends = backends("/weighted/x", 800);
        double heavyShare = backends.stream().filter("heavy"::equals).count() / 800.0;
        assertThat(heavyShare).isBetween(0.69, 0.81);
    }

    @Test
    @Order(2)
    void withoutZoneAffinityRoundRobinReachesEveryZone() {
        List<String> backends = backends("/any/x", 30);
        assertThat(new HashSet<>(backends)).containsExactlyInAnyOrder("east-1", "east-2", "west-1");
        assertThat(backends.stream().filter("west-1"::equals).count()).isEqualTo(10);
    }

    @Test
    @Order(3)
    void zoneAffinityKeepsTrafficInTheGatewaysZone() {
        assertThat(new HashSet<>(backends("/zoned/x", 30))).containsExactlyInAnyOrder("east-1", "east-2");
    }

    @Test
    @Order(4)
    void aDeadLocalInstanceIsEjectedAndTheOtherLocalOneTakesOver() {
        east1.kill();
        List<String> during = backends("/zoned/x", 20); // retries hide the connect errors
        assertThat(during).doesNotContain("east-1", "west-1");
        assertThat(new HashSet<>(backends("/zoned/x", 20))).containsExactly("east-2");
    }

    @Test
    @Order(5)
    void whenTheWholeLocalZoneIsDownTrafficFailsOverToTheOtherZone() {
        east2.kill();
        List<Integer> transition = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            transition.add(get("/zoned/x").statusCode());
        }
        assertThat(transition.stream().filter(s -> s != 200).count()).as("failed while switching: " + transition).isLessThanOrEqualTo(2);
        assertThat(new HashSet<>(backends("/zoned/x", 20))).containsExactly("west-1");
    }

    @Test
    @Order(6)
    void trafficComesBackToTheLocalZoneWhenItRecovers() {
        east1.start();
        east2.start();
        Await.until("traffic to return to the east zone", Duration.ofSeconds(30), () -> {
            Set<String> seen = new HashSet<>(backends("/zoned/x", 10));
            return !seen.contains("west-1") && seen.containsAll(List.of("east-1", "east-2"));
        });
    }

    private List<String> backends(String path, int requests) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            names.add(response.headers().firstValue("X-Backend").orElseThrow());
        }
        return names;
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
