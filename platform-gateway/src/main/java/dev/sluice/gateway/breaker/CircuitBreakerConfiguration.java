package dev.sluice.gateway.breaker;

import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.gateway.route.RouteTable;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code circuitBreaker} policy. Its fallbacks answer from the response cache ({@code stale}) or forward to
 * another route, which is why it reaches the route table and Gateway's handler (lazily: both are built after it).
 */
@Configuration(proxyBeanMethods = false)
public class CircuitBreakerConfiguration {

    @Bean
    CircuitBreakerGatewayFilterFactory sluiceCircuitBreakerGatewayFilterFactory(CircuitBreakerRegistry breakers,
            SluiceGatewayProperties properties, ResponseCache cache, ObjectProvider<RouteTable> routes,
            ObjectProvider<FilteringWebHandler> handler) {
        return new CircuitBreakerGatewayFilterFactory(breakers, properties.defaultTimeout(), cache,
                new RouteForwarding(routes::getObject, handler::getObject));
    }
}
