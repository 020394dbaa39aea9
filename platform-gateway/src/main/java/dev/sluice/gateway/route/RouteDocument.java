package dev.sluice.gateway.route;

import dev.sluice.gateway.breaker.CircuitBreakerPolicy;
import dev.sluice.gateway.bulkhead.BulkheadPolicy;
import dev.sluice.gateway.cache.CachePolicy;
import dev.sluice.gateway.loadbalancer.LoadBalancerPolicy;
import dev.sluice.gateway.ratelimit.RateLimitPolicy;
import dev.sluice.gateway.retry.RetryPolicy;
import dev.sluice.gateway.split.SplitTarget;
import dev.sluice.gateway.validation.ValidatePolicy;

import java.time.Duration;
import java.util.List;

/**
 * One route and its policies, as plain data: bound from {@code sluice.gateway.routes} in YAML and, later, served as
 * JSON by the Admin API. Every policy is optional; a missing one costs nothing on the request path.
 *
 * @param id          unique, {@code [A-Za-z0-9._-]}, at most 64 characters
 * @param uri         {@code http://}, {@code https://} or {@code lb://service}
 * @param match       what requests the route takes
 * @param stripPrefix how many leading path segments to drop before forwarding
 * @param timeout     time to the upstream's response headers; 504 after it. Also the breaker's slow-call clock.
 */
public record RouteDocument(
        String id,
        String uri,
        Match match,
        Integer stripPrefix,
        Duration timeout,
        RetryPolicy retry,
        CircuitBreakerPolicy circuitBreaker,
        BulkheadPolicy bulkhead,
        RateLimitPolicy rateLimit,
        CachePolicy cache,
        ValidatePolicy validate,
        List<SplitTarget> split,
        LoadBalancerPolicy loadBalancer) {

    /** The route's timeout, or the gateway-wide default when the route sets none. */
    public Duration timeoutOr(Duration fallback) {
        return timeout != null ? timeout : fallback;
    }
}
