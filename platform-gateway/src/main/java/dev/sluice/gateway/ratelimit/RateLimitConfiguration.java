package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The {@code rateLimit} policy and the cluster-wide limiter it asks, guarded against a slow or absent Redis. */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

    @Bean
    ClusterRateLimiter clusterRateLimiter(ReactiveStringRedisTemplate redis, ClusterMembers nodes,
            SluiceGatewayProperties properties, CircuitBreakerRegistry breakers) {
        SluiceGatewayProperties.RateLimit settings = properties.rateLimit();
        return new ClusterRateLimiter(redis, nodes::aliveCount,
                new GuardedRedis("redis-rate-limiter", settings.redisTimeout(), settings.breakerOpenFor(), breakers));
    }

    @Bean
    RateLimitGatewayFilterFactory sluiceRateLimitGatewayFilterFactory(ClusterRateLimiter limiter, ClientAddresses clients,
            MeterRegistry meters) {
        return new RateLimitGatewayFilterFactory(limiter, clients, meters);
    }
}
