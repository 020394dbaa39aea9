package dev.sluice.traffic.ratelimit;

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
}
