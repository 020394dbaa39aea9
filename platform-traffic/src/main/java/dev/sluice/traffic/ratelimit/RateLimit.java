package dev.sluice.traffic.ratelimit;

import java.time.Duration;

/**
 * One token bucket's shape: {@code rate} tokens per {@code period}, holding at most {@code burst}. The gateway builds
 * it from a route's {@code rateLimit}, a service from a {@code sluice.limits} entry; the limiter sees only this.
 */
public record RateLimit(int rate, int burst, Duration period) {

    public RateLimit {
        if (rate < 1 || burst < 1 || period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("A rate limit needs rate >= 1, burst >= 1 and a positive period");
        }
    }
}
