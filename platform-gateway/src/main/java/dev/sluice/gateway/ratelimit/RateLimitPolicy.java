package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.route.Violations;
import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitKey;

import java.time.Duration;

/**
 * A token bucket shared by every gateway node: {@code rate} tokens per {@code period}, holding at most {@code burst}.
 *
 * @param key {@code ip}, {@code header:NAME}, {@code principal} or {@code route}; {@code ip} when absent
 */
public record RateLimitPolicy(Integer rate, Integer burst, Duration period, String key) {

    public int burstOrRate() {
        return burst != null ? burst : rate;
    }

    public Duration periodOrSecond() {
        return period != null ? period : Duration.ofSeconds(1);
    }

    public String keyOrIp() {
        return key != null ? key : "ip";
    }

    /** The bucket's shape for the shared limiter; only for a validated policy. */
    public RateLimit toLimit() {
        return new RateLimit(rate, burstOrRate(), periodOrSecond());
    }

    /** Whom the bucket counts for; null when {@code key} is not a key kind. */
    public RateLimitKey toKey() {
        return RateLimitKey.parse(keyOrIp(), "route");
    }

    public void validate(Violations v) {
        v.require("rate", rate);
        v.range("rate", rate, 1, 1_000_000);
        v.range("burst", burst, 1, 10_000_000);
        v.positive("period", period, Duration.ofDays(1));
        if (toKey() == null) {
            v.add("key", "must be ip, route, principal or header:NAME");
        }
    }
}
