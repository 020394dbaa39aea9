package dev.sluice.starter.idempotency;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Idempotency keys in the Redis Cluster for the endpoints listed in {@code sluice.idempotency.endpoints}. */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(StringRedisTemplate.class)
@ConditionalOnBean(StringRedisTemplate.class)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RedisIdempotencyStore redisIdempotencyStore(StringRedisTemplate redis, IdempotencyProperties properties,
            Environment environment) {
        return new RedisIdempotencyStore(redis, environment.getProperty("spring.application.name", "application"),
                properties.ttl(), properties.lease());
    }

    /** Servlet services only; kept apart so that reactive apps never load servlet types. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletIdempotencyConfiguration {

        /** Registered always; it passes through every request that is not a listed endpoint. */
        @Bean
        FilterRegistrationBean<IdempotencyFilter> sluiceIdempotencyFilter(RedisIdempotencyStore store,
                IdempotencyProperties properties) {
            FilterRegistrationBean<IdempotencyFilter> registration =
                    new FilterRegistrationBean<>(new IdempotencyFilter(store, properties));
            // After the XID and tracing filters, before anything that reads the body.
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
            return registration;
        }
    }
}
