package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.test.http.TestBackend;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Kubernetes, {@code lb://} names resolve through Spring Cloud Kubernetes (fabric8): a Service's Endpoints are
 * its instances. The API server is fabric8's mock (no real one can run here); the backends are real.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {

    static KubernetesClient client;
    static TestBackend first;
    static TestBackend second;
    static ConfigurableApplicationContext gateway;
    static int port;

    @BeforeAll
    static void start() {
        // A Service's endpoints share one port: two pods are two loopback addresses on the same port.
        first = TestBackend.start("pod-1");
        second = TestBackend.start("pod-2", "127.0.0.2", first.port());
        client.services().inNamespace("shop").resource(new ServiceBuilder()
                .withNewMetadata().withName("catalog").withNamespace("shop").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
                .build()).create();
        client.endpoints().inNamespace("shop").resource(new EndpointsBuilder()
                .withNewMetadata().withName("catalog").withNamespace("shop").endMetadata()
                .addNewSubset()
                .addNewAddress().withIp("127.0.0.1").endAddress()
                .addNewAddress().withIp("127.0.0.2").endAddress()
                .addNewPort().withName("http").withPort(first.port()).endPort()
                .endSubset()
                .build()).create();
        gateway = SpringApplication.run(GatewayApplication.class, "--server.port=0", "--management.server.port=0",
                "--spring.main.cloud-platform=KUBERNETES",
                "--spring.cloud.kubernetes.client.master-url=" + client.getMasterUrl(),
                "--spring.cloud.kubernetes.client.trust-certs=true",
                "--spring.cloud.kubernetes.client.namespace=shop",
                "--sluice.gateway.routes[0].id=catalog",
                "--sluice.gateway.routes[0].uri=lb://catalog",
                "--sluice.gateway.routes[0].match.path=/catalog/**");
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        first.close();
        second.close();
    }

    @Test
    void aServiceNameResolvesToItsEndpointsAndIsBalancedOverThem() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Set<String> pods = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/catalog/items"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("GET /catalog/items #");
            pods.add(response.headers().firstValue("X-Backend").orElseThrow());
        }
        assertThat(pods).containsExactlyInAnyOrder("pod-1", "pod-2");
    }
}
