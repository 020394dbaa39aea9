package dev.sluice.traffic.ratelimit;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The cluster-wide token bucket: one Redis hash per bucket (a route or an endpoint, and a key), updated by one Lua
 * script so that concurrent instances never both spend the last token. The script reads Redis's own clock, so host clocks do not matter.
 */
class RedisTokenBucket {

    // KEYS[1]: the bucket; ARGV: tokens per period, period in ms, burst, tokens wanted.
    // Takes up to the tokens wanted (at least one, or none). Returns {tokens taken, remaining, reset ms}.
    private static final String SCRIPT = """
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local per_ms = tonumber(ARGV[1]) / tonumber(ARGV[2])
            local burst = tonumber(ARGV[3])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = burst
              at = now
            end
            tokens = math.min(burst, tokens + math.max(0, now - at) * per_ms)
            local allowed = math.min(math.floor(tokens), tonumber(ARGV[4]))
            if allowed < 1 then
              allowed = 0
            end
            tokens = tokens - allowed
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / per_ms) + 1000)
            local reset
            if allowed >= 1 then
              reset = math.ceil((burst - tokens) / per_ms)
            else
              reset = math.ceil((1 - tokens) / per_ms)
            end
            return {allowed, math.floor(tokens), reset}
            """;

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TOKEN_BUCKET = RedisScript.of(SCRIPT, List.class);

    private final ReactiveStringRedisTemplate redis;

    RedisTokenBucket(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** What one call took from the bucket. */
    record Taken(long tokens, long remaining, long resetMillis) {
    }

    /**
     * @param bucket the bucket's name; hash-tagged so that the whole bucket lives in one slot
     * @param wanted how many tokens to take at most (a lease, see {@link ClusterRateLimiter})
     */
    Mono<Taken> take(String bucket, RateLimit limit, long wanted) {
        String key = "sluice:rl:{" + bucket + "}";
        List<String> args = List.of(String.valueOf(limit.rate()), String.valueOf(limit.period().toMillis()),
                String.valueOf(limit.burst()), String.valueOf(wanted));
        return redis.execute(TOKEN_BUCKET, List.of(key), args)
                .next()
                .map(result -> new Taken(((Number) result.get(0)).longValue(), ((Number) result.get(1)).longValue(),
                        ((Number) result.get(2)).longValue()));
    }
}
