package dev.sluice.gateway.config;

import dev.sluice.gateway.breaker.CircuitBreakerGatewayFilterFactory;
import dev.sluice.gateway.breaker.RouteForwarding;
import dev.sluice.gateway.bulkhead.BulkheadGatewayFilterFactory;
import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.cache.ResponseCacheGatewayFilterFactory;
import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.gateway.protection.RequestSizeLimitFilter;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.gateway.ratelimit.RateLimitGatewayFilterFactory;
import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.retry.ConnectionReuse;
import dev.sluice.gateway.retry.RetryGatewayFilterFactory;
import dev.sluice.gateway.retry.StaleConnectionRetryFilter;
import dev.sluice.gateway.split.SplitGatewayFilterFactory;
import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.redis.GuardedRedis;
import dev.sluice.gateway.validation.JsonSchemas;
import dev.sluice.gateway.validation.RequestValidationGatewayFilterFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** One filter factory per route policy; the route compiler picks up every one of them. */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

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

    @Bean
    RequestSizeLimitFilter sluiceRequestSizeLimitFilter(SluiceGatewayProperties properties) {
        return new RequestSizeLimitFilter(properties.maxBodySize().toBytes());
    }

    @Bean
    BulkheadGatewayFilterFactory sluiceBulkheadGatewayFilterFactory() {
        return new BulkheadGatewayFilterFactory();
    }

    @Bean
    RequestValidationGatewayFilterFactory sluiceRequestValidationGatewayFilterFactory(ResourceLoader resources,
            SluiceGatewayProperties properties) {
        return new RequestValidationGatewayFilterFactory(new JsonSchemas(resources), properties.maxBodySize().toBytes());
    }

    @Bean
    CircuitBreakerGatewayFilterFactory sluiceCircuitBreakerGatewayFilterFactory(CircuitBreakerRegistry breakers,
            SluiceGatewayProperties properties, ResponseCache cache, ObjectProvider<RouteTable> routes,
            ObjectProvider<FilteringWebHandler> handler) {
        return new CircuitBreakerGatewayFilterFactory(breakers, properties.defaultTimeout(), cache,
                new RouteForwarding(routes::getObject, handler::getObject));
    }

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

    @Bean
    RetryGatewayFilterFactory sluiceRetryGatewayFilterFactory(MeterRegistry meters, SluiceGatewayProperties properties) {
        return new RetryGatewayFilterFactory(meters, properties.maxBodySize().toBytes());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.gateway.retry-stale-connections", matchIfMissing = true)
    StaleConnectionRetryFilter sluiceStaleConnectionRetryFilter(MeterRegistry meters) {
        return new StaleConnectionRetryFilter(meters);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.gateway.retry-stale-connections", matchIfMissing = true)
    ConnectionReuse sluiceConnectionReuse() {
        return new ConnectionReuse();
    }

    @Bean
    SplitGatewayFilterFactory sluiceSplitGatewayFilterFactory(ClientAddresses clients) {
        return new SplitGatewayFilterFactory(clients);
    }
}
