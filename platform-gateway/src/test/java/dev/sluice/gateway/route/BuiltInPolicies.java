package dev.sluice.gateway.route;

import dev.sluice.gateway.auth.AuthGatewayFilterFactory;
import dev.sluice.gateway.breaker.CircuitBreakerGatewayFilterFactory;
import dev.sluice.gateway.bulkhead.BulkheadGatewayFilterFactory;
import dev.sluice.gateway.cache.ResponseCacheGatewayFilterFactory;
import dev.sluice.gateway.loadbalancer.LoadBalancerRoutePolicy;
import dev.sluice.gateway.ratelimit.RateLimitGatewayFilterFactory;
import dev.sluice.gateway.retry.RetryGatewayFilterFactory;
import dev.sluice.gateway.split.SplitGatewayFilterFactory;
import dev.sluice.gateway.stream.StreamGatewayFilterFactory;
import dev.sluice.gateway.transform.TransformGatewayFilterFactory;
import dev.sluice.gateway.validation.JsonSchemas;
import dev.sluice.gateway.validation.RequestValidationGatewayFilterFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;
import java.util.List;

/**
 * The route model with every policy the gateway ships, for tests that read and validate documents without a running
 * gateway. Only reading and validating: the policies' runtime collaborators are absent.
 */
public final class BuiltInPolicies {

    private BuiltInPolicies() {
    }

    public static RouteModel model() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new RouteModel(List.of(
                new AuthGatewayFilterFactory(WebClient.create(), Duration.ofSeconds(3), null, meters),
                new RetryGatewayFilterFactory(meters, 1 << 20),
                new CircuitBreakerGatewayFilterFactory(CircuitBreakerRegistry.ofDefaults(), Duration.ofSeconds(30), null, null),
                new BulkheadGatewayFilterFactory(),
                new RateLimitGatewayFilterFactory(null, null, meters),
                new ResponseCacheGatewayFilterFactory(null, meters),
                new RequestValidationGatewayFilterFactory(new JsonSchemas(new DefaultResourceLoader()), 1 << 20),
                new SplitGatewayFilterFactory(null),
                new LoadBalancerRoutePolicy(),
                new TransformGatewayFilterFactory(),
                new StreamGatewayFilterFactory(meters)));
    }
}
