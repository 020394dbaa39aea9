package dev.sluice.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's fallback buckets, used while Redis cannot answer: each node admits its share of the rate (the rate
 * divided by the gateway nodes last seen alive), so that the cluster as a whole stays near the configured rate.
 */
class LocalTokenBuckets {

    private static final int MAX_BUCKETS = 100_000;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitDecision take(String bucket, RateLimitPolicy policy, int nodes, long nowMillis) {
        double share = 1.0 / Math.max(1, nodes);
        double perMs = policy.rate() * share / policy.periodOrSecond().toMillis();
        double burst = Math.max(1.0, policy.burstOrRate() * share);
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
            return new RateLimitDecision(allowed, policy.burstOrRate(), (long) Math.floor(b.tokens), reset,
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
