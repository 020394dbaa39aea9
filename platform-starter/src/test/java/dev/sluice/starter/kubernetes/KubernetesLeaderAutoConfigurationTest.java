package dev.sluice.starter.kubernetes;

import dev.sluice.starter.UnconnectedRedis;
import dev.sluice.starter.jobs.JobClaim;
import dev.sluice.starter.jobs.JobOwnership;
import dev.sluice.starter.jobs.RedisJobOwnership;
import dev.sluice.starter.jobs.SingletonJobAutoConfiguration;
import dev.sluice.starter.jobs.SingletonJobs;
import dev.sluice.starter.lock.LockAutoConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Who owns singleton jobs: the pods' Lease on Kubernetes, a Redis lock elsewhere, the service's own if it has one. */
class KubernetesLeaderAutoConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KubernetesLeaderAutoConfiguration.class,
                    LockAutoConfiguration.class, SingletonJobAutoConfiguration.class))
            .withPropertyValues("spring.application.name=orders");

    @Test
    void onKubernetesSingletonJobsFollowTheServicesLease() {
        runner.withUserConfiguration(UnconnectedRedis.class, AClient.class)
                .withPropertyValues("spring.main.cloud-platform=kubernetes", "sluice.kubernetes.leader.identity=orders-0")
                .run(context -> {
                    assertThat(context).hasSingleBean(LeaseJobOwnership.class);
                    assertThat(context).doesNotHaveBean(RedisJobOwnership.class);
                    assertThat(context).hasSingleBean(SingletonJobs.class);
                });
    }

    @Test
    void offKubernetesARedisLockOwnsEachJob() {
        runner.withUserConfiguration(UnconnectedRedis.class, AClient.class).run(context -> {
            assertThat(context).doesNotHaveBean(LeaseJobOwnership.class);
            assertThat(context).hasSingleBean(RedisJobOwnership.class);
            assertThat(context).hasSingleBean(SingletonJobs.class);
        });
    }

    @Test
    void turnedOffOnKubernetesTheRedisLocksStayInCharge() {
        runner.withUserConfiguration(UnconnectedRedis.class, AClient.class)
                .withPropertyValues("spring.main.cloud-platform=kubernetes", "sluice.kubernetes.leader.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(LeaseJobOwnership.class);
                    assertThat(context).hasSingleBean(RedisJobOwnership.class);
                });
    }

    @Test
    void withoutAKubernetesClientOrAStoreJobsAreNotGuarded() {
        runner.withPropertyValues("spring.main.cloud-platform=kubernetes").run(context -> {
            assertThat(context).doesNotHaveBean(JobOwnership.class);
            assertThat(context).doesNotHaveBean(SingletonJobs.class);
        });
    }

    @Test
    void theServicesOwnOwnershipIsUsed() {
        runner.withUserConfiguration(UnconnectedRedis.class, AClient.class, OwnOwnership.class)
                .withPropertyValues("spring.main.cloud-platform=kubernetes").run(context -> {
                    assertThat(context).getBean(JobOwnership.class).isSameAs(context.getBean("ownOwnership"));
                    assertThat(context).hasSingleBean(SingletonJobs.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class AClient {
        /** Never called: the election starts only when a job asks. */
        @Bean(destroyMethod = "close")
        KubernetesClient client() {
            return new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1").withNamespace("shop").build()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnOwnership {
        @Bean
        JobOwnership ownOwnership() {
            return new JobOwnership() {
                @Override
                public Optional<JobClaim> claim(String name, Duration lease) {
                    return Optional.empty();
                }

                @Override
                public void releaseAll() {
                }
            };
        }
    }
}
