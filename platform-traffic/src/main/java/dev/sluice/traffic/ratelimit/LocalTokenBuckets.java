package dev.sluice.traffic.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's fallback buckets, used while Redis cannot answer: each instance admits its share of the rate (the
 * rate divided by the instances last seen alive), so that all of them together stay near the configured rate.
 */
class LocalTokenBuckets {

    private static final int MAX_BUCKETS = 100_000;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitDecision take(String bucket, RateLimit limit, int instances, long nowMillis) {
        double share = 1.0 / Math.max(1, instances);
        double perMs = limit.rate() * share / limit.period().toMillis();
        double burst = Math.max(1.0, limit.burst() * share);
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear(); // a flood of distinct keys: start over rather than grow without bound
        }
        Bucket b = buckets.computeIfAbsent(bucket, k -> new Bucket(burst, nowMillis));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + Math.max(0, nowMillis - b.at) * perMs);
            b.at = nowMillis;
            boolean allowed = b.tokens >= 1;
            if (allowed) {
                b.tokens -= 1;
            }
            long reset = (long) Math.ceil(allowed ? (burst - b.tokens) / perMs : (1 - b.tokens) / perMs);
            return new RateLimitDecision(allowed, limit.burst(), (long) Math.floor(b.tokens), reset,
                    RateLimitDecision.LOCAL);
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
