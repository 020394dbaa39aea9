package dev.sluice.starter.cache;

import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import java.util.ArrayList;
import java.util.List;

/**
 * Spring's cache abstraction on the Redis Cluster ({@code sluice.cache}) for a service that turns caching on with
 * {@code @EnableCaching}: its cache manager, unless the service has its own. Runs before Spring Boot's cache
 * auto-configuration, which then backs off.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"},
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, ReactiveStringRedisTemplate.class, GenericJacksonJsonRedisSerializer.class})
@ConditionalOnBean({CacheAspectSupport.class, ReactiveStringRedisTemplate.class})
@ConditionalOnMissingBean(CacheManager.class)
@ConditionalOnBooleanProperty(name = "sluice.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheProperties.class)
public class RedisCacheAutoConfiguration {

    @Bean
    RedisClusterCacheManager cacheManager(ReactiveStringRedisTemplate redis, CacheProperties properties,
            Environment environment, BeanFactory beans, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<CircuitBreakerRegistry> breakers) {
        List<String> allowed = new ArrayList<>(properties.allowedPackages());
        if (allowed.isEmpty() && AutoConfigurationPackages.has(beans)) {
            allowed.addAll(AutoConfigurationPackages.get(beans));
        }
        BasicPolymorphicTypeValidator.Builder types = BasicPolymorphicTypeValidator.builder()
                .allowIfSubType("java.lang.").allowIfSubType("java.util.").allowIfSubType("java.time.")
                .allowIfSubType("java.math.");
        allowed.forEach(prefix -> types.allowIfSubType(prefix.endsWith(".") ? prefix : prefix + "."));
        GenericJacksonJsonRedisSerializer json = GenericJacksonJsonRedisSerializer.builder()
                .enableDefaultTyping(types.build()).build();
        return new RedisClusterCacheManager(environment.getProperty("spring.application.name", "application"),
                properties, redis, json, new GuardedRedis("redis-cache", properties.timeout(),
                properties.breakerOpenFor(), breakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults)),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
