package dev.sluice.gateway.cache;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The {@code cache} policy and the shared cache in the Redis Cluster, which the breaker's stale fallback reads too. */
@Configuration(proxyBeanMethods = false)
public class CacheConfiguration {

    @Bean
    ResponseCache responseCache(ReactiveStringRedisTemplate redis, SluiceGatewayProperties properties,
            CircuitBreakerRegistry breakers) {
        SluiceGatewayProperties.RateLimit settings = properties.rateLimit();
        return new ResponseCache(redis, properties.cacheStaleFor(),
                new GuardedRedis("redis-response-cache", settings.redisTimeout(), settings.breakerOpenFor(), breakers));
    }

    @Bean
    ResponseCacheGatewayFilterFactory sluiceResponseCacheGatewayFilterFactory(ResponseCache cache, MeterRegistry meters) {
        return new ResponseCacheGatewayFilterFactory(cache, meters);
    }
}
