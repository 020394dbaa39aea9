package dev.sluice.starter.limits;

import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitKey;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * One endpoint limit, compiled once at startup (from a {@code sluice.limits.endpoints} entry) or at the first
 * request to an annotated handler: what it matches, its bucket's shape and key, and this instance's permits.
 *
 * @param path        null for a rule from {@link EndpointLimit}, which the handler itself selects
 * @param rate        null for no rate limit
 * @param permits     null for no concurrency limit
 * @param concurrency the number of permits, for the problem detail
 */
record LimitRule(String id, Set<String> methods, PathPattern path, RateLimit rate, RateLimitKey key, Semaphore permits,
        int concurrency) {

    boolean matches(String method, PathContainer requestPath) {
        return (methods.isEmpty() || methods.contains(method)) && path != null && path.matches(requestPath);
    }
}
