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
import org.springframework.core.env.Environment;

/** Singleton jobs ({@code sluice.jobs}): {@link SingletonJob} methods and registered jobs run on one instance. */
@AutoConfiguration(after = LockAutoConfiguration.class)
@ConditionalOnBean(DistributedLocks.class)
@ConditionalOnBooleanProperty(name = "sluice.jobs.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JobProperties.class)
public class SingletonJobAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SingletonJobs sluiceSingletonJobs(DistributedLocks locks, JobProperties properties, Environment environment) {
        return new SingletonJobs(locks, environment.getProperty("spring.application.name", "application"),
                properties.lease());
    }

    /** Static: a post-processor must not wait for this configuration's other beans. */
    @Bean
    static SingletonJobPostProcessor sluiceSingletonJobPostProcessor(ObjectProvider<SingletonJobs> jobs) {
        return new SingletonJobPostProcessor(jobs);
    }
}
