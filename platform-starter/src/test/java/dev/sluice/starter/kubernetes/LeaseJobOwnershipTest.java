package dev.sluice.starter.kubernetes;

import dev.sluice.starter.jobs.JobClaim;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import dev.sluice.test.process.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two pods of one service run for the Lease of its jobs, on fabric8's mock API server (in CRUD mode it keeps the
 * Lease as a real server would, resource versions included).
 */
@EnableKubernetesMockClient(crud = true)
class LeaseJobOwnershipTest {

    static KubernetesClient client;

    static final Duration LEASE = Duration.ofSeconds(3);

    final KubernetesLeaderProperties fast = new KubernetesLeaderProperties(true, null, null, Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofMillis(200));
    final List<LeaseJobOwnership> pods = new ArrayList<>();

    @AfterEach
    void stopPods() {
        pods.forEach(LeaseJobOwnership::releaseAll);
    }

    @Test
    void onePodLeadsAndWhenItGoesTheOtherTakesOverWithAGreaterToken() throws Exception {
        LeaseJobOwnership first = pod("orders-0", "orders-jobs-a");
        LeaseJobOwnership second = pod("orders-1", "orders-jobs-a");
        Await.until("orders-0 to lead", Duration.ofSeconds(10), () -> first.claim("sweep", LEASE).isPresent());
        long firstToken = first.claim("sweep", LEASE).orElseThrow().token();

        // Five of the second pod's retry periods while the first renews: it stays a candidate.
        for (long end = System.nanoTime() + Duration.ofSeconds(1).toNanos(); System.nanoTime() < end; ) {
            assertThat(second.claim("sweep", LEASE)).isEmpty();
            Thread.sleep(50);
        }
        assertThat(holder("orders-jobs-a")).isEqualTo("orders-0");

        first.releaseAll(); // the leader's pod goes, gracefully
        Await.until("orders-1 to lead", Duration.ofSeconds(10), () -> second.claim("sweep", LEASE).isPresent());
        assertThat(first.claim("sweep", LEASE)).isEmpty();
        assertThat(holder("orders-jobs-a")).isEqualTo("orders-1");
        assertThat(second.claim("sweep", LEASE).map(JobClaim::token)).get(
                org.assertj.core.api.InstanceOfAssertFactories.LONG).isGreaterThan(firstToken);
    }

    @Test
    void aLeaderThatStopsRenewingLosesTheLeaseOnceItsDurationHasPassed() {
        // The first pod has a connection of its own to the API server, which it loses for good below.
        KubernetesClient firstsClient = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        LeaseJobOwnership first = new LeaseJobOwnership(firstsClient, "test", "orders-jobs-b", "orders-0", fast);
        pods.add(first);
        Await.until("orders-0 to lead", Duration.ofSeconds(10), () -> first.claim("sweep", LEASE).isPresent());
        LeaseJobOwnership second = pod("orders-1", "orders-jobs-b");
        second.claim("sweep", LEASE);
        // The first pod dies without a word: its Lease is left as it was, renewed no more.
        firstsClient.close();
        long died = System.nanoTime();
        Await.until("orders-1 to lead", Duration.ofSeconds(15), () -> second.claim("sweep", LEASE).isPresent());
        // Not before the Lease's duration (3 s) has passed since the last renewal, at most a retry period ago.
        assertThat(Duration.ofNanos(System.nanoTime() - died)).isGreaterThan(Duration.ofMillis(2_500));
        Await.until("orders-0 to see it no longer leads", Duration.ofSeconds(10), () -> !first.leads());
        assertThat(holder("orders-jobs-b")).isEqualTo("orders-1");
    }

    @Test
    void aServiceWithoutJobsNeverWritesTheLease() throws Exception {
        pod("orders-0", "orders-jobs-c");
        pod("orders-1", "orders-jobs-c");
        Thread.sleep(1_000);
        assertThat(client.leases().inNamespace("test").withName("orders-jobs-c").get()).isNull();
    }

    private LeaseJobOwnership pod(String identity, String lease) {
        LeaseJobOwnership pod = new LeaseJobOwnership(client, "test", lease, identity, fast);
        pods.add(pod);
        return pod;
    }

    private String holder(String name) {
        return Optional.ofNullable(client.leases().inNamespace("test").withName(name).get()).map(Lease::getSpec)
                .map(spec -> spec.getHolderIdentity()).orElse(null);
    }
}
