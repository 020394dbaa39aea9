package dev.sluice.traffic.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One limiter answer.
 *
 * @param remaining  whole tokens left after this request
 * @param resetMillis when denied, until the next token; when allowed, until the bucket is full again
 * @param source     {@code cluster} (the shared bucket in Redis) or {@code local} (this instance's fallback bucket)
 */
public record RateLimitDecision(boolean allowed, long limit, long remaining, long resetMillis, String source) {

    public static final String CLUSTER = "cluster";
    public static final String LOCAL = "local";

    /**
     * The answer's headers, in the order to write them: {@code RateLimit-Limit}, {@code RateLimit-Remaining},
     * {@code RateLimit-Reset} (whole seconds, rounded up) and, when denied, {@code Retry-After} (at least 1 s). The
     * gateway's routes and the services' endpoints answer with the same ones.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", String.valueOf(limit));
        headers.put("RateLimit-Remaining", String.valueOf(remaining));
        headers.put("RateLimit-Reset", String.valueOf(resetSeconds()));
        if (!allowed) {
            headers.put("Retry-After", String.valueOf(Math.max(1, resetSeconds())));
        }
        return headers;
    }

    private long resetSeconds() {
        return (resetMillis + 999) / 1000;
    }
}
