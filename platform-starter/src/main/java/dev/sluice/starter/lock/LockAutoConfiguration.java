package dev.sluice.starter.lock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** Locks with fencing tokens ({@code sluice.locks}) for services with the Redis Cluster. */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnClass(ReactiveStringRedisTemplate.class)
@ConditionalOnBean(ReactiveStringRedisTemplate.class)
@ConditionalOnBooleanProperty(name = "sluice.locks.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockProperties.class)
public class LockAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DistributedLocks sluiceDistributedLocks(ReactiveStringRedisTemplate redis, LockProperties properties,
            Environment environment) {
        return new DistributedLocks(redis, instanceName(environment), properties.timeout());
    }

    @Bean
    @ConditionalOnMissingBean
    FencedValues sluiceFencedValues(ReactiveStringRedisTemplate redis, LockProperties properties) {
        return new FencedValues(redis, properties.timeout());
    }

    /** {@code service@pid.host}: which instance holds a lock, in its owner. */
    static String instanceName(Environment environment) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        }
        catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return environment.getProperty("spring.application.name", "application") + "@" + ProcessHandle.current().pid()
                + "." + host;
    }
}
