package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.route.Violations;
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

    public void validate(Violations v) {
        v.require("rate", rate);
        v.range("rate", rate, 1, 1_000_000);
        v.range("burst", burst, 1, 10_000_000);
        v.positive("period", period, Duration.ofDays(1));
        if (!RateLimitKeys.isValid(keyOrIp())) {
            v.add("key", "must be ip, route, principal or header:NAME");
        }
    }
}
