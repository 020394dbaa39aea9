package dev.sluice.starter.jobs;

import dev.sluice.starter.UnconnectedRedis;
import dev.sluice.starter.lock.DistributedLocks;
import dev.sluice.starter.lock.FencedValues;
import dev.sluice.starter.lock.LockAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When locks and singleton jobs are wired, when they stay away, and when they give way to the service's beans. */
class LockAndJobAutoConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LockAutoConfiguration.class, SingletonJobAutoConfiguration.class))
            .withPropertyValues("spring.application.name=orders");


    @Test
    void withRedisThereAreLocksFencedValuesAndSingletonJobs() {
        runner.withUserConfiguration(UnconnectedRedis.class).run(context -> {
            assertThat(context).hasSingleBean(DistributedLocks.class);
            assertThat(context).hasSingleBean(FencedValues.class);
            assertThat(context).hasSingleBean(SingletonJobs.class);
            assertThat(context).hasSingleBean(SingletonJobPostProcessor.class);
        });
    }

    @Test
    void withoutRedisThereAreNone() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(DistributedLocks.class);
            assertThat(context).doesNotHaveBean(SingletonJobs.class);
        });
    }

    @Test
    void eachSwitchTurnsItsFeatureOff() {
        runner.withUserConfiguration(UnconnectedRedis.class).withPropertyValues("sluice.jobs.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(DistributedLocks.class);
            assertThat(context).doesNotHaveBean(SingletonJobs.class);
        });
        runner.withUserConfiguration(UnconnectedRedis.class).withPropertyValues("sluice.locks.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(DistributedLocks.class);
            assertThat(context).doesNotHaveBean(SingletonJobs.class);
        });
    }

    @Test
    void theServicesOwnLocksAreUsed() {
        runner.withUserConfiguration(UnconnectedRedis.class, OwnLocks.class).run(context -> assertThat(context)
                .getBean(DistributedLocks.class).isSameAs(context.getBean("ownLocks")));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnLocks {
        @Bean(destroyMethod = "close")
        DistributedLocks ownLocks(ReactiveStringRedisTemplate redis) {
            return new DistributedLocks(redis, "own", Duration.ofSeconds(1));
        }
    }
}
