package dev.sluice.starter.jobs;

import dev.sluice.starter.lock.DistributedLocks;
import dev.sluice.starter.lock.LockAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Singleton jobs ({@code sluice.jobs}): {@link SingletonJob} methods and registered jobs run on one instance. The
 * owner of the jobs is a {@link JobOwnership} bean: on Kubernetes the pods' leader (configured before this one, by
 * {@code KubernetesLeaderAutoConfiguration}), else a lock per job in the Redis Cluster. With neither, jobs are not
 * guarded and run on every instance.
 */
@AutoConfiguration(after = LockAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "sluice.jobs.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JobProperties.class)
public class SingletonJobAutoConfiguration {

    /** A member class: Spring registers it before the bean methods below, whose conditions look for its bean. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(DistributedLocks.class)
    @ConditionalOnMissingBean(JobOwnership.class)
    static class RedisOwnership {

        @Bean
        RedisJobOwnership sluiceRedisJobOwnership(DistributedLocks locks, Environment environment) {
            return new RedisJobOwnership(locks, environment.getProperty("spring.application.name", "application"));
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(JobOwnership.class)
    SingletonJobs sluiceSingletonJobs(JobOwnership ownership, JobProperties properties) {
        return new SingletonJobs(ownership, properties.lease());
    }

    /** Static: a post-processor must not wait for this configuration's other beans. */
    @Bean
    @ConditionalOnBean(JobOwnership.class)
    static SingletonJobPostProcessor sluiceSingletonJobPostProcessor(ObjectProvider<SingletonJobs> jobs) {
        return new SingletonJobPostProcessor(jobs);
    }
}
