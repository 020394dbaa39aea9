package dev.sluice.gateway.breaker;

import dev.sluice.gateway.route.Violations;
import java.time.Duration;

/**
 * A Resilience4j breaker per route, counting connect errors, timeouts and 5xx answers as failures. It has no time
 * limiter of its own: the route's {@code timeout} bounds each call.
 */
public record CircuitBreakerPolicy(Integer failureRateThreshold, Duration slowCallThreshold, Integer slidingWindow,
        Integer minimumCalls, Duration openFor, FallbackPolicy fallback) {

    public void validate(Violations v) {
        v.range("failureRateThreshold", failureRateThreshold, 1, 100);
        v.positive("slowCallThreshold", slowCallThreshold, Duration.ofMinutes(10));
        v.range("slidingWindow", slidingWindow, 1, 10_000);
        v.range("minimumCalls", minimumCalls, 1, 10_000);
        v.positive("openFor", openFor, Duration.ofHours(1));
        if (fallback != null) {
            fallback.validate(v.at("fallback"));
        }
    }
}
